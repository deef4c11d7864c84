-- grain: one row per LA x period x child with at least one looked-after attendance week starting in the
-- period: the period's possible and absent (authorised + unauthorised) sessions, whether the child is
-- persistently absent (absent >= 10 % of possible, possible > 0) and whether a suspension or exclusion of the
-- child started in the period.

with

periods as (

    select * from {{ ref('int_periods') }}

),

attendance_weeks as (

    select * from {{ ref('int_attendance_weeks_looked_after') }}

),

suspensions as (

    select * from {{ ref('stg_education__suspensions') }}

),

pupil_sessions as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        attendance_weeks.child_key,
        sum(attendance_weeks.possible_sessions) as possible_sessions,
        sum(attendance_weeks.authorised_absence_sessions + attendance_weeks.unauthorised_absence_sessions)
            as absence_sessions
    from periods
    inner join attendance_weeks
        on periods.la_code = attendance_weeks.la_code and {{ is_in_period('attendance_weeks.week_start_date') }}
    group by
        periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end,
        attendance_weeks.child_key

),

suspended_pupils as (

    select distinct
        pupil_sessions.la_code,
        pupil_sessions.period_type,
        pupil_sessions.period_label,
        pupil_sessions.child_key
    from pupil_sessions
    inner join suspensions
        on
            pupil_sessions.la_code = suspensions.la_code
            and pupil_sessions.child_key = suspensions.child_key
            and pupil_sessions.period_start <= suspensions.start_date
            and pupil_sessions.period_end >= suspensions.start_date

),

final as (

    select
        pupil_sessions.la_code,
        pupil_sessions.period_type,
        pupil_sessions.period_label,
        pupil_sessions.period_end,
        pupil_sessions.child_key,
        pupil_sessions.possible_sessions,
        pupil_sessions.absence_sessions,
        -- absent / possible >= 10 %, compared in whole sessions so exactly 10 % is persistent
        (
            pupil_sessions.possible_sessions > 0
            and pupil_sessions.absence_sessions * 10 >= pupil_sessions.possible_sessions
        ) as is_persistently_absent,
        (suspended_pupils.child_key is not null) as has_suspension_in_period
    from pupil_sessions
    left join suspended_pupils
        on
            pupil_sessions.la_code = suspended_pupils.la_code
            and pupil_sessions.period_type = suspended_pupils.period_type
            and pupil_sessions.period_label = suspended_pupils.period_label
            and pupil_sessions.child_key = suspended_pupils.child_key

)

select * from final
