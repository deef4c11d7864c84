-- The CIN census ICPCs as stg_case_system__initial_cp_conferences (same columns). The census has no conference
-- records, only dates: one conference per S47 enquiry with a <DateOfInitialCPC> (its newest census year's), and
-- one per date a referral's own <DateOfInitialCPC> carries in any year (each year returns the conference of that
-- year no returned enquiry carries, so every year's date is kept). A referral's own conference is a transfer-in
-- when the referral has no S47 enquiry. Its outcome is a CP plan when the referral has a plan starting that day.
with

section47 as (

    select * from {{ census_newest_year('stg_cin_census__section47', 's47_enquiry_id') }}

),

referrals as (

    select * from {{ ref('stg_cin_census__referrals') }}

),

cp_plans as (

    select * from {{ census_newest_year('stg_cin_census__cp_plans', 'cp_plan_id') }}

),

conferences as (

    select
        la_code,
        s47_enquiry_id || '/ICPC' as icpc_id,
        child_key,
        s47_enquiry_id,
        referral_id,
        icpc_date,
        false as is_transfer_in
    from section47
    where icpc_date is not null

    union all

    select distinct
        referrals.la_code,
        referrals.referral_id || '/ICPC/' || cast(referrals.icpc_date as varchar) as icpc_id,
        referrals.child_key,
        cast(null as varchar) as s47_enquiry_id,
        referrals.referral_id,
        referrals.icpc_date,
        not exists (
            select 1 from section47
            where section47.la_code = referrals.la_code and section47.referral_id = referrals.referral_id
        ) as is_transfer_in
    from referrals
    where referrals.icpc_date is not null

)

select
    conferences.la_code,
    conferences.icpc_id,
    conferences.child_key,
    conferences.s47_enquiry_id,
    conferences.referral_id,
    conferences.icpc_date,
    conferences.is_transfer_in,
    (cp_plans.cp_plan_id is not null) as is_cp_plan_outcome,
    cp_plans.cp_plan_id
from conferences
left join cp_plans
    on
        conferences.la_code = cp_plans.la_code
        and conferences.referral_id = cp_plans.referral_id
        and conferences.icpc_date = cp_plans.start_date
