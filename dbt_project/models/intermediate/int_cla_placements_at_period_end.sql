-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the child's age at D, the placement open at D (the latest-starting one if several overlap; null if none)
-- and the number of distinct placements with start <= D and (end null or end > add_months(D, -12)).

with

looked_after as (

    select * from {{ ref('int_cla_at_period_end') }}

),

placements as (

    select * from {{ ref('stg_case_system__cla_placements') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

open_placements as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key,
        placements.placement_id,
        placements.start_date,
        placements.placement_type_code,
        placements.distance_miles,
        row_number() over (
            partition by
                looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key
            order by placements.start_date desc, placements.placement_id desc
        ) as placement_rank
    from looked_after
    inner join placements
        on
            looked_after.child_key = placements.child_key
            and {{ is_open_at('placements.start_date', 'placements.end_date', 'looked_after.period_end') }}

),

placements_last_12_months as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key,
        count(distinct placements.placement_id) as placement_count
    from looked_after
    inner join placements
        on
            looked_after.child_key = placements.child_key
            and looked_after.period_end >= placements.start_date
            and (
                placements.end_date is null
                or {{ add_months('looked_after.period_end', -12) }} < placements.end_date
            )
    group by looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key

),

final as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.period_end,
        looked_after.child_key,
        looked_after.cla_episode_id,
        looked_after.entered_care_date,
        looked_after.is_short_break,
        {{ age_at('persons.birth_date', 'looked_after.period_end') }} as age_at_period_end,
        open_placements.placement_id,
        open_placements.start_date as placement_start_date,
        open_placements.placement_type_code,
        open_placements.distance_miles,
        coalesce(placements_last_12_months.placement_count, 0) as placements_in_last_12_months
    from looked_after
    left join persons on looked_after.child_key = persons.child_key
    left join open_placements
        on
            looked_after.la_code = open_placements.la_code
            and looked_after.period_type = open_placements.period_type
            and looked_after.period_label = open_placements.period_label
            and looked_after.child_key = open_placements.child_key
            and open_placements.placement_rank = 1
    left join placements_last_12_months
        on
            looked_after.la_code = placements_last_12_months.la_code
            and looked_after.period_type = placements_last_12_months.period_type
            and looked_after.period_label = placements_last_12_months.period_label
            and looked_after.child_key = placements_last_12_months.child_key

)

select * from final
