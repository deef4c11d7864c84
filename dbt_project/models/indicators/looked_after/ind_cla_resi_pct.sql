{{ children_in_period_rows(
    indicator_id='CLA_RESI_PCT',
    rows=ref('int_cla_placements_at_period_end'),
    numerator_when="rows_in_scope.placement_type_code in ('K1', 'K2')",
    where='is_short_break = false',
) }}
