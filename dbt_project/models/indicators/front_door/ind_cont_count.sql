{{ events_in_period(
    indicator_id='CONT_COUNT',
    events=ref('stg_case_system__contacts'),
    event_key='contact_id',
    event_date='contact_date',
) }}
