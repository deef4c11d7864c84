-- One row per care-leaver record (SSD ssd_care_leavers): a young person's status as of a latest contact.
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_care_leavers') }}

),

renamed as (

    select
        _la_code as la_code,
        clea_table_id as care_leaver_record_id,
        {{ child_key('clea_person_id') }} as child_key,
        {{ to_code('clea_care_leaver_eligibility') }} as eligibility_code,
        {{ to_code('clea_care_leaver_in_touch') }} as in_touch_code,
        clea_care_leaver_latest_contact as latest_contact_date,
        {{ to_code('clea_care_leaver_accommodation') }} as accommodation_code,
        {{ to_flag('clea_care_leaver_accom_suitable') }} as is_accommodation_suitable,
        {{ to_code('clea_care_leaver_activity') }} as activity_code,
        clea_pathway_plan_review_date as pathway_plan_review_date

    from source

)

{{ with_statutory_sources('renamed', 'care_leavers') }}
