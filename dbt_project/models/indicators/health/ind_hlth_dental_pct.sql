{{ children_in_period_rows(
    indicator_id='HLTH_DENTAL_PCT',
    rows=ref('int_cla_health_at_period_end'),
    numerator_when='rows_in_scope.has_dental_check',
) }}
