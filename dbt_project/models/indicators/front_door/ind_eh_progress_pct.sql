{{ events_in_period(
    indicator_id='EH_PROGRESS_PCT',
    events=ref('stg_case_system__early_help_episodes'),
    event_key='early_help_episode_id',
    event_date='end_date',
    numerator_when="events.end_reason_code in ('NEEDS_MET', 'STEP_DOWN')",
) }}
