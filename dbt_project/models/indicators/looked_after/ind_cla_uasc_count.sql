{{ children_in_period_rows(
    indicator_id='CLA_UASC_COUNT',
    rows=ref('int_cla_statuses_at_period_end'),
    where='is_short_break = false and is_uasc = true',
) }}
