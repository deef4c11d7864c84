{{ children_in_period_rows(
    indicator_id='HLTH_IMMS_PCT',
    rows=ref('int_cla_health_at_period_end'),
    numerator_when='rows_in_scope.is_immunisations_up_to_date',
) }}
