-- The CIN census referrals (<CINdetails>) as stg_case_system__referrals (same columns): one row per referral,
-- from the newest census year that returns it (a referral open on 31 March is closed, if at all, in the next).
select
    la_code,
    referral_id,
    child_key,
    referral_date,
    primary_need_code,
    referral_source_code,
    is_nfa,
    close_reason_code,
    close_date
from {{ census_newest_year('stg_cin_census__referrals', 'referral_id') }}
