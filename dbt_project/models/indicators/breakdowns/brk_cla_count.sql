{{ children_in_period_rows_by_dimension(
    indicator_id='CLA_COUNT',
    rows=ref('int_cla_at_period_end'),
    where='not is_short_break',
) }}
