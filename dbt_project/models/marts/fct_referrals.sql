-- grain: one row per referral (CIN episode). Keyed by the pseudonymous child_key; no case-system ids.

with

referrals as (

    select * from {{ ref('int_referrals_flagged') }}

),

details as (

    select * from {{ ref('stg_case_system__referrals') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

final as (

    select
        {{ dbt.hash("referrals.child_key || ':' || referrals.referral_id") }} as referral_key,
        referrals.la_code,
        referrals.child_key,
        referrals.referral_date,
        details.close_date,
        details.primary_need_code,
        details.referral_source_code,
        referrals.is_nfa,
        referrals.is_rereferral_12m,
        {{ age_at('persons.birth_date', 'referrals.referral_date') }} as age_at_referral,
        {{ age_band(age_at('persons.birth_date', 'referrals.referral_date')) }} as age_band,
        persons.sex_code,
        persons.ethnicity_code
    from referrals
    inner join details on referrals.la_code = details.la_code and referrals.referral_id = details.referral_id
    left join persons on referrals.la_code = persons.la_code and referrals.child_key = persons.child_key

)

select * from final
