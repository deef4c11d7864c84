{{ children_in_period_rows(
    indicator_id='CLA_3PLUS_PCT',
    rows=ref('int_cla_placements_at_period_end'),
    numerator_when='rows_in_scope.placements_in_last_12_months >= 3',
    where='is_short_break = false',
) }}
