{{ events_in_period(
    indicator_id='HLTH_IHA_20WD_PCT',
    events=ref('int_cla_starts_iha_timed'),
    event_key='cla_episode_id',
    event_date='start_date',
    numerator_when='events.working_days_to_iha <= 20',
) }}
