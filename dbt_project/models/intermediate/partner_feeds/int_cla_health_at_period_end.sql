-- grain: one row per LA x period x child in the cohort "looked after 12 months at D", with the child's age at D
-- and their health record in the 12 months to D (dated > add_months(D, -12) and <= D): a completed IHA or RHA,
-- a completed dental check, an SDQ with a score (and the latest such score), and the latest immunisation
-- status dated <= D.

with

completed_assessments as (

    select * from {{ ref('int_health_assessments_completed') }}

),

with_latest_sdq as (

    {{ latest_record_at_period_end(
        ref('stg_case_system__sdq_scores'), record_key='sdq_score_id', start_date='completed_date',
        columns={'latest_sdq_score': 'sdq_score'},
        where='records.sdq_score is not null', after=add_months('looked_after.period_end', -12),
        children=ref('int_cla_looked_after_12_months'),
    ) }}

),

with_latest_immunisation_status as (

    {{ latest_record_at_period_end(
        ref('stg_case_system__cla_immunisations'), record_key=none, start_date='status_date',
        columns={'latest_immunisation_status': 'is_immunisations_up_to_date'}, children='with_latest_sdq',
    ) }}

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
    from with_latest_immunisation_status as cohort
    inner join completed_assessments
        on
            cohort.la_code = completed_assessments.la_code
            and cohort.child_key = completed_assessments.child_key
            and {{ add_months('cohort.period_end', -12) }} < completed_assessments.completed_date
            and cohort.period_end >= completed_assessments.completed_date
    group by cohort.la_code, cohort.period_type, cohort.period_label, cohort.child_key

),

final as (

    select
        cohort.la_code,
        cohort.period_type,
        cohort.period_label,
        cohort.period_end,
        cohort.child_key,
        cohort.entered_care_date,
        cohort.age_at_period_end,
        coalesce(assessments_last_12_months.has_health_assessment_flag = 1, false) as has_health_assessment,
        coalesce(assessments_last_12_months.has_dental_check_flag = 1, false) as has_dental_check,
        (cohort.latest_sdq_score is not null) as has_sdq,
        cohort.latest_sdq_score,
        coalesce(cohort.latest_immunisation_status, false) as is_immunisations_up_to_date
    from with_latest_immunisation_status as cohort
    left join assessments_last_12_months
        on {{ is_same_child_and_period('cohort', 'assessments_last_12_months') }}

)

select * from final
