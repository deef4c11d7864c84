{{ events_in_period(
    indicator_id='ADOPT_COUNT',
    events=ref('stg_case_system__cla_episodes'),
    event_key='cla_episode_id',
    event_date='ceased_date',
    where="ceased_reason_code in ('E11', 'E12')",
) }}
