-- grain: one row per LA x period x child in the cohort "looked after 12 months at D", with the child's age at D
-- and their health record in the 12 months to D (dated > add_months(D, -12) and <= D): a completed IHA or RHA,
-- a completed dental check, an SDQ with a score (and the latest such score), and the latest immunisation
-- status dated <= D.

with

cohort as (

    select * from {{ ref('int_cla_looked_after_12_months') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

completed_assessments as (

    select * from {{ ref('int_health_assessments_completed') }}

),

sdq_scores as (

    select * from {{ ref('stg_case_system__sdq_scores') }}

),

immunisations as (

    select * from {{ ref('stg_case_system__cla_immunisations') }}

),

assessments_last_12_months as (

    select
        cohort.la_code,
        cohort.period_type,
        cohort.period_label,
        cohort.child_key,
        max(case when completed_assessments.assessment_type in ('IHA', 'RHA') then 1 else 0 end)
            as has_health_assessment_flag,
        max(case when completed_assessments.assessment_type = 'DENTAL' then 1 else 0 end) as has_dental_check_flag
    from cohort
    inner join completed_assessments
        on
            cohort.child_key = completed_assessments.child_key
            and {{ add_months('cohort.period_end', -12) }} < completed_assessments.completed_date
            and cohort.period_end >= completed_assessments.completed_date
    group by cohort.la_code, cohort.period_type, cohort.period_label, cohort.child_key

),

sdqs_ranked as (

    select
        cohort.la_code,
        cohort.period_type,
        cohort.period_label,
        cohort.child_key,
        sdq_scores.sdq_score,
        row_number() over (
            partition by cohort.la_code, cohort.period_type, cohort.period_label, cohort.child_key
            order by sdq_scores.completed_date desc, sdq_scores.sdq_score_id desc
        ) as sdq_rank
    from cohort
    inner join sdq_scores
        on
            cohort.child_key = sdq_scores.child_key
            and sdq_scores.sdq_score is not null
            and {{ add_months('cohort.period_end', -12) }} < sdq_scores.completed_date
            and cohort.period_end >= sdq_scores.completed_date

),

immunisations_ranked as (

    select
        cohort.la_code,
        cohort.period_type,
        cohort.period_label,
        cohort.child_key,
        immunisations.is_immunisations_up_to_date,
        row_number() over (
            partition by cohort.la_code, cohort.period_type, cohort.period_label, cohort.child_key
            order by immunisations.status_date desc
        ) as status_rank
    from cohort
    inner join immunisations
        on
            cohort.child_key = immunisations.child_key
            and cohort.period_end >= immunisations.status_date

),

final as (

    select
        cohort.la_code,
        cohort.period_type,
        cohort.period_label,
        cohort.period_end,
        cohort.child_key,
        cohort.entered_care_date,
        {{ age_at('persons.birth_date', 'cohort.period_end') }} as age_at_period_end,
        coalesce(assessments_last_12_months.has_health_assessment_flag = 1, false) as has_health_assessment,
        coalesce(assessments_last_12_months.has_dental_check_flag = 1, false) as has_dental_check,
        (sdqs_ranked.child_key is not null) as has_sdq,
        sdqs_ranked.sdq_score as latest_sdq_score,
        coalesce(immunisations_ranked.is_immunisations_up_to_date, false) as is_immunisations_up_to_date
    from cohort
    left join persons on cohort.child_key = persons.child_key
    left join assessments_last_12_months
        on
            cohort.la_code = assessments_last_12_months.la_code
            and cohort.period_type = assessments_last_12_months.period_type
            and cohort.period_label = assessments_last_12_months.period_label
            and cohort.child_key = assessments_last_12_months.child_key
    left join sdqs_ranked
        on
            cohort.la_code = sdqs_ranked.la_code
            and cohort.period_type = sdqs_ranked.period_type
            and cohort.period_label = sdqs_ranked.period_label
            and cohort.child_key = sdqs_ranked.child_key
            and sdqs_ranked.sdq_rank = 1
    left join immunisations_ranked
        on
            cohort.la_code = immunisations_ranked.la_code
            and cohort.period_type = immunisations_ranked.period_type
            and cohort.period_label = immunisations_ranked.period_label
            and cohort.child_key = immunisations_ranked.child_key
            and immunisations_ranked.status_rank = 1

)

select * from final
