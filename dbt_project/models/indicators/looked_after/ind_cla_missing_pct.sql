{{ children_in_period_rows(
    indicator_id='CLA_MISSING_PCT',
    rows=ref('int_cla_missing_in_period'),
    numerator_when='rows_in_scope.has_missing_episode_while_looked_after = true',
) }}
