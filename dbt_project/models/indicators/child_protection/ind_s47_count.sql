{{ events_in_period(
    indicator_id='S47_COUNT',
    events=ref('stg_case_system__s47_enquiries'),
    event_key='s47_enquiry_id',
    event_date='start_date',
) }}
