{{ events_in_period(
    indicator_id='RHI_ACCEPTED_PCT',
    events=ref('stg_case_system__missing_episodes'),
    event_key='missing_episode_id',
    event_date='end_date',
    numerator_when='events.is_rhi_accepted = true',
    where="missing_type_code = 'M' and is_rhi_offered = true",
) }}
