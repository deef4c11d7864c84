-- grain: one row per CLA episode, flagged when another episode of the same child starts on its ceased
-- date (the episode is followed the same day: an X1-style change, not a leaving of care).

with

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

sequenced as (

    select
        episodes.la_code,
        episodes.cla_episode_id,
        episodes.child_key,
        episodes.cla_id,
        episodes.start_date,
        episodes.start_reason_code,
        episodes.ceased_date,
        episodes.ceased_reason_code,
        episodes.entered_care_date,
        max(case when next_episodes.cla_episode_id is not null then 1 else 0 end) = 1 as is_followed_same_day
    from episodes
    left join episodes as next_episodes
        on
            episodes.la_code = next_episodes.la_code
            and episodes.child_key = next_episodes.child_key
            and episodes.ceased_date = next_episodes.start_date
            and episodes.cla_episode_id != next_episodes.cla_episode_id
    group by
        episodes.la_code,
        episodes.cla_episode_id,
        episodes.child_key,
        episodes.cla_id,
        episodes.start_date,
        episodes.start_reason_code,
        episodes.ceased_date,
        episodes.ceased_reason_code,
        episodes.entered_care_date

)

select * from sequenced
