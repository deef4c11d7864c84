-- grain: one row per LA x period x care leaver with a status at the period end D: their latest
-- ssd_care_leavers row with latest contact <= D (ties: the highest record id). is_in_cohort marks the
-- care-leaver cohort of docs/specs/INDICATORS.md: aged 17-21 at D and in-touch code not DIED.

with

periods as (

    select * from {{ ref('int_periods') }}

),

care_leavers as (

    select * from {{ ref('stg_case_system__care_leavers') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

dated_statuses as (

    select
        care_leavers.*,
        {{ newer_record_date('care_leavers', 'latest_contact_date', 'care_leaver_record_id') }} as newer_record_date
    from care_leavers
    where care_leavers.latest_contact_date is not null

),

-- each period's latest status of each care leaver: the status dated on or before D whose next newer one is after
-- D (macros/at_period_end.sql), one equi-join on the authority instead of ranking every (period, status) pair
latest_statuses as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_end,
        dated_statuses.child_key,
        dated_statuses.care_leaver_record_id,
        dated_statuses.latest_contact_date,
        dated_statuses.eligibility_code,
        dated_statuses.in_touch_code,
        dated_statuses.accommodation_code,
        dated_statuses.is_accommodation_suitable,
        dated_statuses.activity_code,
        dated_statuses.pathway_plan_review_date
    from periods
    inner join dated_statuses
        on
            periods.la_code = dated_statuses.la_code
            and {{ is_latest_at('dated_statuses', 'latest_contact_date', 'periods.period_end') }}

),

aged as (

    select
        latest_statuses.*,
        {{ age_at('persons.birth_date', 'latest_statuses.period_end') }} as age_at_period_end
    from latest_statuses
    left join persons
        on latest_statuses.la_code = persons.la_code and latest_statuses.child_key = persons.child_key

),

final as (

    select
        la_code,
        period_type,
        period_label,
        period_end,
        child_key,
        care_leaver_record_id,
        latest_contact_date,
        age_at_period_end,
        eligibility_code,
        in_touch_code,
        accommodation_code,
        is_accommodation_suitable,
        activity_code,
        pathway_plan_review_date,
        coalesce(age_at_period_end between 17 and 21 and coalesce(in_touch_code, '') != 'DIED', false) as is_in_cohort
    from aged

)

select * from final
