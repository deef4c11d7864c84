{{ children_in_period_rows(
    indicator_id='CL_PATHWAY_TS_PCT',
    rows=ref('int_care_leavers_at_period_end'),
    numerator_when='rows_in_scope.pathway_plan_review_date > ' ~ add_months('rows_in_scope.period_end', -6)
        ~ ' and rows_in_scope.pathway_plan_review_date <= rows_in_scope.period_end',
    where='is_in_cohort = true',
) }}
