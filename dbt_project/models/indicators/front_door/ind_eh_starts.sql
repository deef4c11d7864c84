{{ events_in_period(
    indicator_id='EH_STARTS',
    events=ref('stg_case_system__early_help_episodes'),
    event_key='early_help_episode_id',
    event_date='start_date',
) }}
