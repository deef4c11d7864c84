{{ children_in_period_rows(
    indicator_id='CLA_S20_PCT',
    rows=ref('int_cla_statuses_at_period_end'),
    numerator_when="rows_in_scope.legal_status_code = 'V2'",
    where='is_short_break = false',
) }}
