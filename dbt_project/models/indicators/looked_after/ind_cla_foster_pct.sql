{{ children_in_period_rows(
    indicator_id='CLA_FOSTER_PCT',
    rows=ref('int_cla_placements_at_period_end'),
    numerator_when="rows_in_scope.placement_type_code like 'U%'",
    where='is_short_break = false',
) }}
