-- Annex A lists 3 (referrals in the window) and 6 (children in need) as stg_case_system__referrals (same
-- columns): one referral per child and referral date (list 6's CIN start date is its referral date), each list's
-- row from the newest workbook listing it. List 3 gives the source and NFA, list 6 the need and the closure.
-- List 6 leaves out referrals closed with no further action, so a referral only it lists was not one.
with

referrals as (

    select * from {{ annex_a_newest('stg_annex_a__list_03_referrals', 'referral_date') }}

),

children_in_need as (

    select * from {{ annex_a_newest('stg_annex_a__list_06_children_in_need', 'referral_date') }}

),

joined as (

    select
        coalesce(referrals.la_code, children_in_need.la_code) as la_code,
        coalesce(referrals.child_key, children_in_need.child_key) as child_key,
        coalesce(referrals.referral_date, children_in_need.referral_date) as referral_date,
        coalesce(referrals.same_day_number, children_in_need.same_day_number) as same_day_number,
        children_in_need.primary_need_code,
        referrals.referral_source_code,
        case when referrals.child_key is null then false else referrals.is_nfa end as is_nfa,
        children_in_need.close_reason_code,
        children_in_need.close_date
    from referrals
    full outer join children_in_need
        on
            referrals.la_code = children_in_need.la_code
            and referrals.child_key = children_in_need.child_key
            and referrals.referral_date = children_in_need.referral_date
            and referrals.same_day_number = children_in_need.same_day_number

)

select
    la_code,
    {{ annex_a_id('referral_date') }} as referral_id,
    child_key,
    referral_date,
    primary_need_code,
    referral_source_code,
    is_nfa,
    close_reason_code,
    close_date
from joined
