-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the date of the child's latest visit on or before D at which the child was seen (null if none).

with

looked_after as (

    select * from {{ ref('int_cla_at_period_end') }}

),

visits as (

    select * from {{ ref('stg_case_system__cla_visits') }}

),

latest_seen_visits as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key,
        max(visits.visit_date) as latest_seen_visit_date
    from looked_after
    inner join visits
        on
            looked_after.child_key = visits.child_key
            and visits.is_child_seen = true
            and looked_after.period_end >= visits.visit_date
    group by looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key

),

final as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.period_end,
        looked_after.child_key,
        looked_after.entered_care_date,
        looked_after.is_short_break,
        latest_seen_visits.latest_seen_visit_date
    from looked_after
    left join latest_seen_visits
        on
            looked_after.la_code = latest_seen_visits.la_code
            and looked_after.period_type = latest_seen_visits.period_type
            and looked_after.period_label = latest_seen_visits.period_label
            and looked_after.child_key = latest_seen_visits.child_key

)

select * from final
