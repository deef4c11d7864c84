-- grain: one row per assessment, with working days from start to authorisation (docs/specs/INDICATORS.md convention).

with

assessments as (

    select * from {{ ref('stg_case_system__assessments') }}

),

timed as (

    select
        assessments.la_code,
        assessments.assessment_id,
        assessments.child_key,
        assessments.referral_id,
        assessments.start_date,
        assessments.authorised_date,
        assessments.is_outcome_nfa,
        {{ working_days_between('wd') }} as working_days_to_authorisation
    from assessments
    {{ join_working_day_calendar('assessments.start_date', 'assessments.authorised_date', 'wd') }}

)

select * from timed
