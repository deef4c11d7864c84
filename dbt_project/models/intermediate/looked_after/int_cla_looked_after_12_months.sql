-- grain: one row per LA x period x child in the cohort "looked after 12 months at D" (docs/specs/INDICATORS.md):
-- looked after at the period end D, not on a short break, with entered_care_date <= add_months(D, -12).

with

looked_after as (

    select * from {{ ref('int_cla_at_period_end') }}

),

cohort as (

    select
        la_code,
        period_type,
        period_label,
        period_end,
        child_key,
        cla_episode_id,
        entered_care_date,
        age_at_period_end
    from looked_after
    where
        is_short_break = false
        and entered_care_date <= {{ add_months('period_end', -12) }}

)

select * from cohort
