{{ children_in_period_rows(
    indicator_id='CL_EET_19_21_PCT',
    rows=ref('int_care_leavers_at_period_end'),
    numerator_when="(rows_in_scope.activity_code like 'F%' or rows_in_scope.activity_code like 'P%')",
    where='is_in_cohort = true and age_at_period_end between 19 and 21',
) }}
