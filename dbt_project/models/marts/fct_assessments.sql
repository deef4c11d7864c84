-- grain: one row per child and family assessment.

with

assessments as (

    select * from {{ ref('int_assessments_timed') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

final as (

    select
        {{ dbt.hash("assessments.child_key || ':' || assessments.assessment_id") }} as assessment_key,
        {{ dbt.hash("assessments.child_key || ':' || assessments.referral_id") }} as referral_key,
        assessments.la_code,
        assessments.child_key,
        assessments.start_date,
        assessments.authorised_date,
        assessments.working_days_to_authorisation,
        coalesce(assessments.working_days_to_authorisation <= 45, false) as is_within_45_working_days,
        assessments.is_outcome_nfa,
        {{ age_band(age_at('persons.birth_date', 'assessments.start_date')) }} as age_band
    from assessments
    left join persons on assessments.la_code = persons.la_code and assessments.child_key = persons.child_key

)

select * from final
