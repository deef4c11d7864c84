-- List 3: every referral dated in the period. referrals_12m: the child's other referrals dated in the 12 months
-- up to their latest referral on or before the as-of date (Ofsted: "within the 12 months prior to their latest
-- referral"), the latest itself not counted; the same figure on each of the child's rows.
, referrals as (
    select referrals.*
    from staging.stg_case_system__referrals as referrals
    cross join params
    where referrals.referral_date <= params.as_of
),
ranked as (
    select
        child_key,
        referral_id,
        referral_date,
        row_number() over (partition by child_key order by referral_date desc, referral_id desc) as recency
    from referrals
),
counted as (
    select
        latest.child_key,
        count(earlier.referral_id) as referrals_12m
    from ranked as latest
    left join referrals as earlier
        on
            earlier.child_key = latest.child_key
            and earlier.referral_id != latest.referral_id
            and earlier.referral_date <= latest.referral_date
            and earlier.referral_date > latest.referral_date - interval '12 months'
    where latest.recency = 1
    group by latest.child_key
)
select
    referrals.child_key,
    referrals.referral_id as record_id,
    referrals.referral_date as event_date,
    referrals.referral_date,
    referrals.referral_source_code,
    referrals.is_nfa,
    counted.referrals_12m
from referrals
cross join params
inner join counted on referrals.child_key = counted.child_key
where referrals.referral_date >= params.period_start
