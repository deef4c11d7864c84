-- The 903 episodes as stg_case_system__cla_episodes (same columns): one row per DfE episode, cla_id the period
-- of care (pseudonymous: child_key and its first DECOM), RNE as the start reason, REC as the ceased reason.
-- The special guardianship codes the DfE split in 2016 (E45, E46: to former foster carers; E47, E48: to other
-- carers) are read as the SSD's E43 and E44, the codes the indicators count (docs/specs/INDICATORS.md SGO_COUNT).
select
    la_code,
    child_key || ':' || cast(start_date as varchar) as cla_episode_id,
    child_key,
    cla_id,
    start_date,
    start_reason_code,
    primary_need_code,
    ceased_date,
    case
        when ceased_reason_code in ('E45', 'E46') then 'E43'
        when ceased_reason_code in ('E47', 'E48') then 'E44'
        else ceased_reason_code
    end as ceased_reason_code,
    entered_care_date
from {{ ref('stg_ssda903__episodes') }}
