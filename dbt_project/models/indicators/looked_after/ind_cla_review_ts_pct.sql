{{ events_in_period(
    indicator_id='CLA_REVIEW_TS_PCT',
    events=ref('stg_case_system__cla_reviews'),
    event_key='cla_review_id',
    event_date='review_date',
    numerator_when='events.review_date <= events.due_date',
    where='is_cancelled = false',
) }}
