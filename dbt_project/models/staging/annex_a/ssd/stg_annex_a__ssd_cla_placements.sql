-- Annex A list 8's most recent placement as stg_case_system__cla_placements (same columns): one per child and
-- placement start date, from the newest workbook listing it. Annex A gives no end: a placement ends where the
-- child's next listed one in the same period of care starts, else when the period ceased. No distance (the
-- placement postcode never leaves raw) and no reason for a change.
with

placements as (

    select * from {{ annex_a_newest('stg_annex_a__list_08_children_in_care', 'placement_start_date') }}
    where placement_start_date is not null

)

select
    la_code,
    {{ annex_a_id('placement_start_date') }} as placement_id,
    child_key,
    child_key || ':' || coalesce(cast(entered_care_date as varchar), '') || ':1' as cla_id,
    placement_start_date as start_date,
    coalesce(
        lead(placement_start_date) over (
            partition by la_code, child_key, entered_care_date order by placement_start_date asc
        ),
        ceased_date
    ) as end_date,
    placement_type_code,
    placement_provider_code,
    cast(null as double precision) as distance_miles,
    nullif(trim(cast(urn_of_placement as varchar)), '') as placement_urn,
    cast(null as varchar) as change_reason_code
from placements
