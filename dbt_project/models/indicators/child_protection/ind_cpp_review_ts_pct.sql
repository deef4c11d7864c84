{{ events_in_period(
    indicator_id='CPP_REVIEW_TS_PCT',
    events=ref('stg_case_system__cp_reviews'),
    event_key='cp_review_id',
    event_date='review_date',
    numerator_when='events.review_date <= events.due_date',
) }}
