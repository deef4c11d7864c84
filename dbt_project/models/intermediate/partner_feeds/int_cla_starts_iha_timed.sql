-- grain: one row per CLA episode with start reason S (a start to be looked after), with the child's first
-- completed IHA on or after the start date and the working days from the start date to it.

with

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

completed_assessments as (

    select * from {{ ref('int_health_assessments_completed') }}

),

starts as (

    select
        episodes.la_code,
        episodes.cla_episode_id,
        episodes.child_key,
        episodes.start_date
    from episodes
    where episodes.start_reason_code = 'S'

),

first_ihas as (

    select
        starts.la_code,
        starts.cla_episode_id,
        min(completed_assessments.completed_date) as iha_completed_date
    from starts
    inner join completed_assessments
        on
            starts.la_code = completed_assessments.la_code
            and starts.child_key = completed_assessments.child_key
            and completed_assessments.assessment_type = 'IHA'
            and starts.start_date <= completed_assessments.completed_date
    group by starts.la_code, starts.cla_episode_id

),

timed as (

    select
        starts.la_code,
        starts.cla_episode_id,
        starts.child_key,
        starts.start_date,
        first_ihas.iha_completed_date,
        {{ working_days_between('wd') }} as working_days_to_iha
    from starts
    left join first_ihas
        on starts.la_code = first_ihas.la_code and starts.cla_episode_id = first_ihas.cla_episode_id
    {{ join_working_day_calendar('starts.start_date', 'first_ihas.iha_completed_date', 'wd') }}

)

select * from timed
