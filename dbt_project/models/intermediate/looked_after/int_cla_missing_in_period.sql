-- grain: one row per LA x period x child looked after at any time in the period (an episode with
-- start <= period end and ceased null or > period start), flagged when the child has a missing episode
-- (type M) starting in the period on a day x on which they were looked after (an episode open at x).
-- Short breaks are not excluded: this is an in-period count, not a stock at D (docs/specs/INDICATORS.md).

with

periods as (

    select * from {{ ref('int_periods') }}

),

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

missing_episodes as (

    select * from {{ ref('stg_case_system__missing_episodes') }}

),

looked_after_in_period as (

    select distinct
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        episodes.child_key
    from periods
    inner join episodes
        on
            periods.la_code = episodes.la_code
            and periods.period_end >= episodes.start_date
            and (episodes.ceased_date is null or periods.period_start < episodes.ceased_date)

),

missing_while_looked_after as (

    select distinct
        periods.la_code,
        periods.period_type,
        periods.period_label,
        missing_episodes.child_key
    from periods
    inner join missing_episodes
        on
            periods.la_code = missing_episodes.la_code
            and missing_episodes.missing_type_code = 'M'
            and {{ is_in_period('missing_episodes.start_date') }}
    inner join episodes
        on
            missing_episodes.la_code = episodes.la_code
            and missing_episodes.child_key = episodes.child_key
            and {{ is_open_at('episodes.start_date', 'episodes.ceased_date', 'missing_episodes.start_date') }}

),

final as (

    select
        looked_after_in_period.la_code,
        looked_after_in_period.period_type,
        looked_after_in_period.period_label,
        looked_after_in_period.period_start,
        looked_after_in_period.period_end,
        looked_after_in_period.child_key,
        (missing_while_looked_after.child_key is not null) as has_missing_episode_while_looked_after
    from looked_after_in_period
    left join missing_while_looked_after
        on
            looked_after_in_period.la_code = missing_while_looked_after.la_code
            and looked_after_in_period.period_type = missing_while_looked_after.period_type
            and looked_after_in_period.period_label = missing_while_looked_after.period_label
            and looked_after_in_period.child_key = missing_while_looked_after.child_key

)

select * from final
