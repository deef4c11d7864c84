-- The 903 episodes as stg_case_system__cla_episodes (same columns): one row per DfE episode, cla_id the period
-- of care (pseudonymous: child_key and its first DECOM), RNE as the start reason, REC as the ceased reason.
select
    child_key || ':' || cast(start_date as varchar) as cla_episode_id,
    child_key,
    cla_id,
    start_date,
    start_reason_code,
    primary_need_code,
    ceased_date,
    ceased_reason_code,
    entered_care_date
from {{ ref('stg_ssda903__episodes') }}
