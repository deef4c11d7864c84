{{ events_in_period(
    indicator_id='CPP_SECOND_PCT',
    events=ref('int_cp_plans_sequenced'),
    event_key='cp_plan_id',
    event_date='start_date',
    numerator_when='events.has_earlier_plan',
) }}
