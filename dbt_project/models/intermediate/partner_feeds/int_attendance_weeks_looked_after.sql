-- grain: one row per virtual-school attendance week (child x week_start_date) whose child was looked after on
-- the week's start date: an ssd_cla_episodes episode open on week_start (start <= week_start, ceased blank or
-- > week_start). Short breaks are not excluded (weeks in a period are not a stock at D).

with

attendance_weeks as (

    select * from {{ ref('stg_education__attendance_weeks') }}

),

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

looked_after_weeks as (

    select
        attendance_weeks.la_code,
        attendance_weeks.child_key,
        attendance_weeks.week_start_date,
        attendance_weeks.school_urn,
        attendance_weeks.school_phase,
        coalesce(attendance_weeks.possible_sessions, 0) as possible_sessions,
        coalesce(attendance_weeks.attended_sessions, 0) as attended_sessions,
        coalesce(attendance_weeks.authorised_absence_sessions, 0) as authorised_absence_sessions,
        coalesce(attendance_weeks.unauthorised_absence_sessions, 0) as unauthorised_absence_sessions
    from attendance_weeks
    where exists (
        select 1
        from episodes
        where
            episodes.la_code = attendance_weeks.la_code
            and episodes.child_key = attendance_weeks.child_key
            and {{ is_open_at('episodes.start_date', 'episodes.ceased_date', 'attendance_weeks.week_start_date') }}
    )

)

select * from looked_after_weeks
