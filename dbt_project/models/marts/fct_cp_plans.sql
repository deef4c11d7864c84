-- grain: one row per child protection plan.

with

plans as (

    select * from {{ ref('stg_case_system__cp_plans') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

final as (

    select
        {{ dbt.hash("plans.child_key || ':' || plans.cp_plan_id") }} as cp_plan_key,
        plans.la_code,
        plans.child_key,
        plans.start_date,
        plans.end_date,
        plans.initial_category_code,
        plans.latest_category_code,
        {{ age_band(age_at('persons.birth_date', 'plans.start_date')) }} as age_band
    from plans
    left join persons on plans.la_code = persons.la_code and plans.child_key = persons.child_key

)

select * from final
