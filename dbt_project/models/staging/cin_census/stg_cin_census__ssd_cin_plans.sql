-- The CIN census plans (<CINPlanDates>) as stg_case_system__cin_plans (same columns): one row per plan, from the
-- newest census year that returns it.
select
    la_code,
    cin_plan_id,
    child_key,
    referral_id,
    start_date,
    end_date
from {{ census_newest_year('stg_cin_census__cin_plans', 'cin_plan_id') }}
