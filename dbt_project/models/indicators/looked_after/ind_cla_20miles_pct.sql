{{ children_in_period_rows(
    indicator_id='CLA_20MILES_PCT',
    rows=ref('int_cla_placements_at_period_end'),
    numerator_when='rows_in_scope.distance_miles > 20',
    where='is_short_break = false and placement_id is not null and distance_miles is not null',
) }}
