{{ aggregates_of_events_in_period(
    indicator_id='VS_ATTENDANCE_PCT',
    events=ref('int_attendance_weeks_looked_after'),
    event_date='week_start_date',
    numerator='sum(events.attended_sessions)',
    denominator='sum(events.possible_sessions)',
) }}
