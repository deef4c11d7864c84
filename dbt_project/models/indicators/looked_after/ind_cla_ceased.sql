{{ events_in_period(
    indicator_id='CLA_CEASED',
    events=ref('int_cla_episodes_sequenced'),
    event_key='cla_episode_id',
    event_date='ceased_date',
    where='is_followed_same_day = false',
) }}
