{{ events_in_period(
    indicator_id='CLA_PARTICIPATION_PCT',
    events=ref('stg_case_system__cla_reviews'),
    event_key='cla_review_id',
    event_date='review_date',
    numerator_when="events.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6')",
    where="is_cancelled = false and participation_code is not null and participation_code != 'PN0'",
) }}
