-- grain: one row per CP plan, with what the child's earlier plans say about it (second plans) and
-- whether it lasted two years or more.

with

plans as (

    select * from {{ ref('stg_case_system__cp_plans') }}

),

compared as (

    select
        plans.la_code,
        plans.cp_plan_id,
        plans.child_key,
        plans.start_date,
        plans.end_date,
        plans.latest_category_code,
        max(case when earlier.cp_plan_id is not null then 1 else 0 end) = 1 as has_earlier_plan,
        max(
            case
                when
                    earlier.end_date >= {{ add_months('plans.start_date', -24) }}
                    and earlier.end_date <= plans.start_date
                    then 1
                else 0
            end
        ) = 1 as has_earlier_plan_ended_within_2y
    from plans
    left join plans as earlier
        on
            plans.la_code = earlier.la_code
            and plans.child_key = earlier.child_key
            and plans.start_date > earlier.start_date
    group by
        plans.la_code, plans.cp_plan_id, plans.child_key, plans.start_date, plans.end_date, plans.latest_category_code

),

final as (

    select
        *,
        coalesce(end_date >= {{ add_months('start_date', 24) }}, false) as lasted_2y_or_more
    from compared

)

select * from final
