{{ children_in_period_rows(
    indicator_id='VS_PEP_CURRENT_PCT',
    rows=ref('int_cla_peps_at_period_end'),
    numerator_when='rows_in_scope.latest_pep_date > ' ~ add_months('rows_in_scope.period_end', -3),
    where='is_short_break = false and age_at_period_end between 5 and 15',
) }}
