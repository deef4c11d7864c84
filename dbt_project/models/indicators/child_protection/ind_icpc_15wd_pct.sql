{{ events_in_period(
    indicator_id='ICPC_15WD_PCT',
    events=ref('int_icpcs_timed'),
    event_key='icpc_id',
    event_date='icpc_date',
    numerator_when='events.working_days_from_s47_start <= 15',
    where='not is_transfer_in and has_s47_enquiry',
) }}
