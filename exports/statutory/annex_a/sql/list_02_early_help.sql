-- List 2: early help episodes that started in the period, and those open at the as-of date (started on or
-- before it, not ended by it). An end after the as-of date is not known at that date: shown empty.
select
    episodes.child_key,
    episodes.early_help_episode_id as record_id,
    episodes.start_date as event_date,
    episodes.start_date,
    case when episodes.end_date <= params.as_of then episodes.end_date end as end_date
from staging.stg_case_system__early_help_episodes as episodes
cross join params
where
    episodes.start_date <= params.as_of
    and (
        episodes.start_date >= params.period_start
        or episodes.end_date is null
        or episodes.end_date > params.as_of
    )
