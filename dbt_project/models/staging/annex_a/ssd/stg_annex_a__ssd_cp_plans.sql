-- Annex A list 7 as stg_case_system__cp_plans (same columns): each plan from the newest workbook listing it
-- (which knows an end an older one could not). Its conference is the child's list 5 ICPC held on the plan's start
-- date (ids as stg_annex_a__ssd_initial_cp_conferences); its referral the child's latest on or before the start.
with

plans as (

    select * from {{ annex_a_newest('stg_annex_a__list_07_child_protection', 'start_date') }}

),

conferences as (

    select
        la_code,
        child_key,
        icpc_date,
        min({{ annex_a_id('start_date') }} || '/ICPC') as icpc_id
    from {{ annex_a_newest('stg_annex_a__list_05_section_47', 'start_date') }}
    where icpc_date is not null
    group by la_code, child_key, icpc_date

)

select
    plans.la_code,
    {{ annex_a_id('start_date', 'plans') }} as cp_plan_id,
    plans.child_key,
    {{ annex_a_referral_on('plans') }} as referral_id,
    conferences.icpc_id,
    plans.start_date,
    plans.end_date,
    plans.initial_category_code,
    plans.latest_category_code
from plans
left join conferences
    on
        plans.la_code = conferences.la_code
        and plans.child_key = conferences.child_key
        and plans.start_date = conferences.icpc_date
