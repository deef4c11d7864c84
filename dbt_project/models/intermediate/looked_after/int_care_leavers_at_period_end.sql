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

ranked_statuses as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_end,
        care_leavers.child_key,
        care_leavers.care_leaver_record_id,
        care_leavers.latest_contact_date,
        care_leavers.eligibility_code,
        care_leavers.in_touch_code,
        care_leavers.accommodation_code,
        care_leavers.is_accommodation_suitable,
        care_leavers.activity_code,
        care_leavers.pathway_plan_review_date,
        row_number() over (
            partition by periods.la_code, periods.period_type, periods.period_label, care_leavers.child_key
            order by care_leavers.latest_contact_date desc, care_leavers.care_leaver_record_id desc
        ) as status_rank
    from periods
    inner join care_leavers
        on periods.la_code = care_leavers.la_code and periods.period_end >= care_leavers.latest_contact_date

),

aged as (

    select
        ranked_statuses.*,
        {{ age_at('persons.birth_date', 'ranked_statuses.period_end') }} as age_at_period_end
    from ranked_statuses
    left join persons
        on ranked_statuses.la_code = persons.la_code and ranked_statuses.child_key = persons.child_key
    where ranked_statuses.status_rank = 1

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
