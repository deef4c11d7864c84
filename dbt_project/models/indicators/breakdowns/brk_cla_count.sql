{{ children_in_period_rows(
    indicator_id='CLA_COUNT',
    rows=ref('int_cla_at_period_end'),
    where='not is_short_break',
    by=breakdown_dimensions(),
) }}
