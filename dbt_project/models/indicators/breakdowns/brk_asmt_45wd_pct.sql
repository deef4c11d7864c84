{{ events_in_period(
    indicator_id='ASMT_45WD_PCT',
    events=ref('int_assessments_timed'),
    event_key='assessment_id',
    event_date='authorised_date',
    numerator_when='events.working_days_to_authorisation <= 45',
    by=breakdown_dimensions(),
) }}
