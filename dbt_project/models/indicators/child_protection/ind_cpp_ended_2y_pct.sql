{{ events_in_period(
    indicator_id='CPP_ENDED_2Y_PCT',
    events=ref('int_cp_plans_sequenced'),
    event_key='cp_plan_id',
    event_date='end_date',
    numerator_when='events.lasted_2y_or_more',
) }}
