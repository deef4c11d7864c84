{{ children_in_period_rows(
    indicator_id='CPP_VISIT_10WD_PCT',
    rows=ref('int_cp_visits_at_period_end'),
    numerator_when='rows_in_scope.has_visit_within_10_working_days',
) }}
