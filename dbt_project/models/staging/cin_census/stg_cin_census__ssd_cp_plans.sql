-- The CIN census CP plans as stg_case_system__cp_plans (same columns): one row per plan, from the newest census
-- year that returns it; icpc_id is the conference of the same referral held on the plan's start date
-- (stg_cin_census__ssd_initial_cp_conferences), if any.
with

cp_plans as (

    select * from {{ census_newest_year('stg_cin_census__cp_plans', 'cp_plan_id') }}

),

conferences as (

    select
        la_code,
        referral_id,
        icpc_date,
        min(icpc_id) as icpc_id
    from {{ ref('stg_cin_census__ssd_initial_cp_conferences') }}
    group by la_code, referral_id, icpc_date

)

select
    cp_plans.la_code,
    cp_plans.cp_plan_id,
    cp_plans.child_key,
    cp_plans.referral_id,
    conferences.icpc_id,
    cp_plans.start_date,
    cp_plans.end_date,
    cp_plans.initial_category_code,
    cp_plans.latest_category_code
from cp_plans
left join conferences
    on
        cp_plans.la_code = conferences.la_code
        and cp_plans.referral_id = conferences.referral_id
        and cp_plans.start_date = conferences.icpc_date
