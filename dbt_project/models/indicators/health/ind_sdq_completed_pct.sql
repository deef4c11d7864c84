{{ children_in_period_rows(
    indicator_id='SDQ_COMPLETED_PCT',
    rows=ref('int_cla_health_at_period_end'),
    numerator_when='rows_in_scope.has_sdq',
    where='age_at_period_end between 4 and 16',
) }}
