{{ events_average_in_period(
    indicator_id='ADOPT_A2_DAYS',
    events=ref('int_adoptions_timed'),
    event_key='cla_episode_id',
    event_date='ceased_date',
    measure='events.days_placement_order_to_matched',
) }}
