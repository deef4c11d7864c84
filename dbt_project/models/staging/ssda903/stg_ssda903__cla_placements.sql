-- The 903 episodes as stg_case_system__cla_placements (same columns): one placement per run of episodes in the
-- same placement (a new one at RNE S, P, T, B or U), from its first DECOM to its last DEC; the reason it changed
-- is that of the run's last episode. No distance: the 903's postcodes are not mapped to places here.
with

runs as (

    select
        *,
        row_number() over (partition by la_code, child_key, placement_run order by start_date desc) as from_last
    from {{ ref('stg_ssda903__episodes') }}

)

select
    la_code,
    child_key || ':' || cast(min(start_date) as varchar) as placement_id,
    child_key,
    max(cla_id) as cla_id,
    min(start_date) as start_date,
    case when count(*) = count(ceased_date) then max(ceased_date) end as end_date,
    max(placement_type_code) as placement_type_code,
    max(placement_provider_code) as placement_provider_code,
    cast(null as double precision) as distance_miles,
    max(placement_urn) as placement_urn,
    max(case when from_last = 1 then change_reason_code end) as change_reason_code
from runs
group by la_code, child_key, placement_run
having max(placement_type_code) is not null
