-- grain: one row per LA x period x child looked after at the period end D (an episode open at D).
-- is_short_break: a V3/V4 legal status open at D; such children are left out of every stock and cohort.
-- age_at_period_end: whole years on D (null without a person row), for every model that hangs off this one.

with

periods as (

    select * from {{ ref('int_periods') }}

),

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

legal_statuses as (

    select * from {{ ref('stg_case_system__legal_statuses') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

open_episodes as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_end,
        episodes.child_key,
        episodes.cla_episode_id,
        episodes.entered_care_date,
        row_number() over (
            partition by periods.la_code, periods.period_type, periods.period_label, episodes.child_key
            order by episodes.start_date desc, episodes.cla_episode_id desc
        ) as episode_rank
    from periods
    inner join episodes
        on
            periods.la_code = episodes.la_code
            and {{ is_open_at('episodes.start_date', 'episodes.ceased_date', 'periods.period_end') }}

),

short_breaks as (

    select distinct
        periods.la_code,
        periods.period_type,
        periods.period_label,
        legal_statuses.child_key
    from periods
    inner join legal_statuses
        on
            periods.la_code = legal_statuses.la_code
            and legal_statuses.legal_status_code in ('V3', 'V4')
            and {{ is_open_at('legal_statuses.start_date', 'legal_statuses.end_date', 'periods.period_end') }}

),

final as (

    select
        open_episodes.la_code,
        open_episodes.period_type,
        open_episodes.period_label,
        open_episodes.period_end,
        open_episodes.child_key,
        open_episodes.cla_episode_id,
        open_episodes.entered_care_date,
        (short_breaks.child_key is not null) as is_short_break,
        {{ age_at('persons.birth_date', 'open_episodes.period_end') }} as age_at_period_end
    from open_episodes
    left join persons
        on open_episodes.la_code = persons.la_code and open_episodes.child_key = persons.child_key
    left join short_breaks
        on
            open_episodes.la_code = short_breaks.la_code
            and open_episodes.period_type = short_breaks.period_type
            and open_episodes.period_label = short_breaks.period_label
            and open_episodes.child_key = short_breaks.child_key
    where open_episodes.episode_rank = 1

)

select * from final
