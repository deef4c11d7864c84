-- Annex A list 9 as stg_case_system__care_leavers (same columns): each young person's status as of a latest
-- contact date, from the newest workbook listing that contact.
select
    la_code,
    {{ annex_a_id('latest_contact_date') }} as care_leaver_record_id,
    child_key,
    {{ to_code('eligibility_code') }} as eligibility_code,
    in_touch_code,
    latest_contact_date,
    accommodation_code,
    is_accommodation_suitable,
    activity_code,
    pathway_plan_review_date
from {{ annex_a_newest('stg_annex_a__list_09_care_leavers', 'latest_contact_date') }}
