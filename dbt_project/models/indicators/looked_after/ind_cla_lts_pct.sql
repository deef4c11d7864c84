{{ children_in_period_rows(
    indicator_id='CLA_LTS_PCT',
    rows=ref('int_cla_placements_at_period_end'),
    numerator_when='rows_in_scope.placement_start_date <= ' ~ add_months('rows_in_scope.period_end', -24),
    where='is_short_break = false and age_at_period_end < 16 and entered_care_date <= ' ~ add_months('period_end', -30),
) }}
