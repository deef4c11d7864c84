-- grain: one row per LA x period x child on a CP plan open at the period end D whose plan started at least
-- 10 working days before D, with whether the child was seen on a visit dated <= D and at most 10 working
-- days before D.

with

periods as (

    select * from {{ ref('int_periods') }}

),

plans as (

    select * from {{ ref('stg_case_system__cp_plans') }}

),

visits as (

    select * from {{ ref('stg_case_system__cp_visits') }}
    where is_child_seen

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

children_on_plans as (

    select distinct
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_end,
        plans.child_key
    from periods
    inner join plans
        on
            periods.la_code = plans.la_code
            and {{ is_open_at('plans.start_date', 'plans.end_date', 'periods.period_end') }}
    inner join calendar as plan_start on plans.start_date = plan_start.calendar_date
    inner join calendar as period_end_day on periods.period_end = period_end_day.calendar_date
    where period_end_day.working_day_number - plan_start.working_day_number >= 10

),

recent_visits as (

    select distinct
        children_on_plans.la_code,
        children_on_plans.period_type,
        children_on_plans.period_label,
        children_on_plans.child_key
    from children_on_plans
    inner join visits
        on
            children_on_plans.la_code = visits.la_code
            and children_on_plans.child_key = visits.child_key
            and children_on_plans.period_end >= visits.visit_date
    inner join calendar as visit_day on visits.visit_date = visit_day.calendar_date
    inner join calendar as period_end_day on children_on_plans.period_end = period_end_day.calendar_date
    where period_end_day.working_day_number - visit_day.working_day_number <= 10

),

final as (

    select
        children_on_plans.la_code,
        children_on_plans.period_type,
        children_on_plans.period_label,
        children_on_plans.child_key,
        (recent_visits.child_key is not null) as has_visit_within_10_working_days
    from children_on_plans
    left join recent_visits
        on
            children_on_plans.la_code = recent_visits.la_code
            and children_on_plans.period_type = recent_visits.period_type
            and children_on_plans.period_label = recent_visits.period_label
            and children_on_plans.child_key = recent_visits.child_key

)

select * from final
