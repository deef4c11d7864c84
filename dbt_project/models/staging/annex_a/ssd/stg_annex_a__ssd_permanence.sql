-- Annex A list 10 as stg_case_system__permanence (same columns): each adoption decision from the newest workbook
-- listing it (which knows later steps an older one could not). The adoption order is a permanence order of type
-- ADOPTION; the period of care is list 8's id for the child and the date it entered care
-- (stg_annex_a__ssd_cla_episodes).
select
    la_code,
    {{ annex_a_id('adoption_decision_date') }} as permanence_id,
    child_key,
    child_key || ':' || coalesce(cast(entered_care_date as varchar), '') || ':1' as cla_id,
    adoption_decision_date,
    placement_order_date,
    matched_date,
    placed_for_adoption_date,
    adoption_order_date as permanence_order_date,
    case when adoption_order_date is not null then 'ADOPTION' end as permanence_order_type_code,
    decision_reversed_date
from {{ annex_a_newest('stg_annex_a__list_10_adoption', 'adoption_decision_date') }}
