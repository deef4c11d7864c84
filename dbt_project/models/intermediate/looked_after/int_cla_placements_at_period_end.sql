-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the child's age at D, the placement open at D (the latest-starting one if several overlap; null if none)
-- and the number of distinct placements with start <= D and (end null or end > add_months(D, -12)).

with

placements as (

    select * from {{ ref('stg_case_system__cla_placements') }}

),

with_open_placement as (

    {{ latest_record_at_period_end(
        'placements', record_key='placement_id', start_date='start_date', end_date='end_date',
        columns={
            'placement_id': 'placement_id',
            'placement_start_date': 'start_date',
            'placement_type_code': 'placement_type_code',
            'distance_miles': 'distance_miles',
        },
    ) }}

),

placements_last_12_months as (

    select
        with_open_placement.la_code,
        with_open_placement.period_type,
        with_open_placement.period_label,
        with_open_placement.child_key,
        count(distinct placements.placement_id) as placement_count
    from with_open_placement
    inner join placements
        on
            with_open_placement.la_code = placements.la_code
            and with_open_placement.child_key = placements.child_key
            and with_open_placement.period_end >= placements.start_date
            and (
                placements.end_date is null
                or {{ add_months('with_open_placement.period_end', -12) }} < placements.end_date
            )
    group by
        with_open_placement.la_code,
        with_open_placement.period_type,
        with_open_placement.period_label,
        with_open_placement.child_key

),

final as (

    select
        with_open_placement.*,
        coalesce(placements_last_12_months.placement_count, 0) as placements_in_last_12_months
    from with_open_placement
    left join placements_last_12_months
        on {{ is_same_child_and_period('with_open_placement', 'placements_last_12_months') }}

)

select * from final
