-- The CIN census CP plan reviews (<CPPreviewDate>) as stg_case_system__cp_reviews (same columns): one row per
-- review, from the newest census year that returns it. The census has no review due date: null.
select
    la_code,
    cp_review_id,
    child_key,
    cp_plan_id,
    cast(null as date) as due_date,
    review_date
from {{ census_newest_year('stg_cin_census__cp_reviews', 'cp_review_id') }}
