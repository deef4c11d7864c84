{{ children_in_period_rows(
    indicator_id='CL_INTOUCH_PCT',
    rows=ref('int_care_leavers_at_period_end'),
    numerator_when="rows_in_scope.in_touch_code = 'YES'",
    where="is_in_cohort = true and coalesce(in_touch_code, '') not in ('NREQ', 'RHOM')",
) }}
