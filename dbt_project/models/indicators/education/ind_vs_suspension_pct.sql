{{ children_in_period_rows(
    indicator_id='VS_SUSPENSION_PCT',
    rows=ref('int_pupils_absence_in_period'),
    numerator_when='rows_in_scope.has_suspension_in_period',
    where='possible_sessions > 0',
) }}
