-- The CIN census assessments as stg_case_system__assessments (same columns): one row per assessment, from the
-- newest census year that returns it (an assessment open on 31 March is authorised in the next). The census
-- carries no assessment outcome and does not say whether the child was seen: both null.
select
    la_code,
    assessment_id,
    child_key,
    referral_id,
    start_date,
    authorised_date,
    cast(null as boolean) as is_outcome_nfa,
    cast(null as boolean) as is_child_seen
from {{ census_newest_year('stg_cin_census__assessments', 'assessment_id') }}
