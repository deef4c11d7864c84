-- grain: one row per health-feed assessment that was completed (docs/specs/INDICATORS.md: outcome COMPLETED and
-- completed_date not blank); the assessment is dated by its completed_date.

with

assessments as (

    select * from {{ ref('stg_health__assessments') }}

),

completed as (

    select
        assessments.la_code,
        assessments.assessment_id,
        assessments.child_key,
        assessments.assessment_type,
        assessments.completed_date
    from assessments
    where
        assessments.outcome = 'COMPLETED'
        and assessments.completed_date is not null

)

select * from completed
