-- List 4: assessments that started in the period, were authorised in it, or are open at the as-of date.
-- Authorisation (and the outcome it records) after the as-of date is not known at that date: shown empty.
-- requires_support: the authorised assessment's outcome was not "no further action".
select
    assessments.child_key,
    assessments.assessment_id as record_id,
    assessments.start_date as event_date,
    assessments.start_date,
    assessments.is_child_seen,
    case when assessments.authorised_date <= params.as_of then assessments.authorised_date end as authorised_date,
    case when assessments.authorised_date <= params.as_of then not assessments.is_outcome_nfa end as requires_support
from staging.stg_case_system__assessments as assessments
cross join params
where
    assessments.start_date <= params.as_of
    and (
        assessments.start_date >= params.period_start
        or assessments.authorised_date is null
        or assessments.authorised_date >= params.period_start
    )
