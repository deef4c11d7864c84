{{ children_in_period_rows(
    indicator_id='VS_PERSISTENT_ABSENCE_PCT',
    rows=ref('int_pupils_absence_in_period'),
    numerator_when='rows_in_scope.is_persistently_absent',
    where='possible_sessions > 0',
) }}
