{{ events_in_period(
    indicator_id='CLA_STARTS',
    events=ref('stg_case_system__cla_episodes'),
    event_key='cla_episode_id',
    event_date='start_date',
    where="start_reason_code = 'S'",
) }}
