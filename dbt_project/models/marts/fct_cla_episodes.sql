-- grain: one row per SSDA903 episode of care.

with

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

final as (

    select
        {{ dbt.hash("episodes.child_key || ':' || episodes.cla_episode_id") }} as cla_episode_key,
        {{ dbt.hash("episodes.child_key || ':' || episodes.cla_id") }} as period_of_care_key,
        episodes.la_code,
        episodes.child_key,
        episodes.start_date,
        episodes.start_reason_code,
        episodes.ceased_date,
        episodes.ceased_reason_code,
        episodes.entered_care_date,
        episodes.primary_need_code,
        {{ age_band(age_at('persons.birth_date', 'episodes.start_date')) }} as age_band_at_start
    from episodes
    left join persons on episodes.la_code = persons.la_code and episodes.child_key = persons.child_key

)

select * from final
