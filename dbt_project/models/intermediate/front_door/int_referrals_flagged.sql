-- grain: one row per referral, flagged when the same child had an earlier referral dated
-- >= add_months(referral_date, -12) and < referral_date (a re-referral within 12 months).

with

referrals as (

    select * from {{ ref('stg_case_system__referrals') }}

),

flagged as (

    select
        referrals.la_code,
        referrals.referral_id,
        referrals.child_key,
        referrals.referral_date,
        referrals.is_nfa,
        max(case when earlier.referral_id is not null then 1 else 0 end) = 1 as is_rereferral_12m
    from referrals
    left join referrals as earlier
        on
            referrals.la_code = earlier.la_code
            and referrals.child_key = earlier.child_key
            and earlier.referral_date >= {{ add_months('referrals.referral_date', -12) }}
            and referrals.referral_date > earlier.referral_date
    group by referrals.la_code, referrals.referral_id, referrals.child_key, referrals.referral_date, referrals.is_nfa

)

select * from flagged
