{{ children_in_period_rows(
    indicator_id='CLA_VISIT_6W_PCT',
    rows=ref('int_cla_visits_at_period_end'),
    numerator_when='rows_in_scope.latest_seen_visit_date > ' ~ add_days('rows_in_scope.period_end', -42),
    where='is_short_break = false and entered_care_date <= ' ~ add_days('period_end', -42),
) }}
