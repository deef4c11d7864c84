-- The 903 episodes as stg_case_system__legal_statuses (same columns): one legal status per run of episodes
-- with the same LS in a period of care, from the run's first DECOM to its last DEC (open while that is blank).
select
    la_code,
    child_key || ':' || cast(min(start_date) as varchar) as legal_status_id,
    child_key,
    max(legal_status_code) as legal_status_code,
    min(start_date) as start_date,
    case when count(*) = count(ceased_date) then max(ceased_date) end as end_date
from {{ ref('stg_ssda903__episodes') }}
group by la_code, child_key, status_run
