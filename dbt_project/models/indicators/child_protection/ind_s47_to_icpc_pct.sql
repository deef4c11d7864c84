{{ events_in_period(
    indicator_id='S47_TO_ICPC_PCT',
    events=ref('int_s47_enquiries_flagged'),
    event_key='s47_enquiry_id',
    event_date='end_date',
    numerator_when='events.has_icpc',
) }}
