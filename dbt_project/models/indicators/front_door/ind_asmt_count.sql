{{ events_in_period(
    indicator_id='ASMT_COUNT',
    events=ref('stg_case_system__assessments'),
    event_key='assessment_id',
    event_date='authorised_date',
) }}
