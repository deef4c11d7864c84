{{ mean_of_events_in_period(
    indicator_id='ADOPT_A2_DAYS',
    events=ref('int_adoptions_timed'),
    event_date='ceased_date',
    value_expression='events.days_placement_order_to_matched',
) }}
