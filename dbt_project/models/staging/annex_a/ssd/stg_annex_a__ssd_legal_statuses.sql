-- Annex A list 8's current legal status as stg_case_system__legal_statuses (same columns): one per child and
-- status start date, from the newest workbook listing it. Annex A gives no end: a status ends where the child's
-- next listed one in the same period of care starts, else when the period ceased.
with

statuses as (

    select * from {{ annex_a_newest('stg_annex_a__list_08_children_in_care', 'legal_status_start_date') }}
    where legal_status_start_date is not null

)

select
    la_code,
    {{ annex_a_id('legal_status_start_date') }} as legal_status_id,
    child_key,
    legal_status_code,
    legal_status_start_date as start_date,
    coalesce(
        lead(legal_status_start_date) over (
            partition by la_code, child_key, entered_care_date order by legal_status_start_date asc
        ),
        ceased_date
    ) as end_date
from statuses
