{{ mean_of_events_in_period(
    indicator_id='ASMT_AVG_WD',
    events=ref('int_assessments_timed'),
    event_date='authorised_date',
    value_expression='events.working_days_to_authorisation',
) }}
