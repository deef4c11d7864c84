{{ events_in_period(
    indicator_id='MISSING_EPISODES',
    events=ref('stg_case_system__missing_episodes'),
    event_key='missing_episode_id',
    event_date='start_date',
    where="missing_type_code = 'M'",
) }}
