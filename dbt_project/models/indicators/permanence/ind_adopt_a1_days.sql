{{ mean_of_events_in_period(
    indicator_id='ADOPT_A1_DAYS',
    events=ref('int_adoptions_timed'),
    event_date='ceased_date',
    value_expression='events.days_entered_care_to_placed_for_adoption',
) }}
