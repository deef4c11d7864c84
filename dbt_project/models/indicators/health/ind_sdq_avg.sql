{{ mean_of_period_rows(
    indicator_id='SDQ_AVG',
    rows=ref('int_cla_health_at_period_end'),
    value_expression='rows_in_scope.latest_sdq_score',
    where='age_at_period_end between 4 and 16',
) }}
