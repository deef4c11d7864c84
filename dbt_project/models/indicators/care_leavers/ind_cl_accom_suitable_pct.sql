{{ children_in_period_rows(
    indicator_id='CL_ACCOM_SUITABLE_PCT',
    rows=ref('int_care_leavers_at_period_end'),
    numerator_when='rows_in_scope.is_accommodation_suitable = true',
    where='is_in_cohort = true',
) }}
