{{ events_in_period(
    indicator_id='CPP_STARTS',
    events=ref('stg_case_system__cp_plans'),
    event_key='cp_plan_id',
    event_date='start_date',
) }}
