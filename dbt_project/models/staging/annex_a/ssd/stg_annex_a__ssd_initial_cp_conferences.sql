-- Annex A list 5's conferences as stg_case_system__initial_cp_conferences (same columns): one per enquiry with a
-- Date of ICPC (the enquiry's newest workbook row), id `<s47_enquiry_id>/ICPC`. Annex A lists conferences only
-- beside an enquiry, so none is a transfer in. The plan is the child's list 7 plan starting on the ICPC date.
with

enquiries as (

    select * from {{ annex_a_newest('stg_annex_a__list_05_section_47', 'start_date') }}
    where icpc_date is not null

),

plans as (

    select
        la_code,
        child_key,
        start_date,
        min(cp_plan_id) as cp_plan_id
    from {{ ref('stg_annex_a__ssd_cp_plans') }}
    group by la_code, child_key, start_date

),

conferences as (

    select
        enquiries.la_code,
        {{ annex_a_id('start_date', 'enquiries') }} as s47_enquiry_id,
        enquiries.child_key,
        {{ annex_a_referral_on('enquiries') }} as referral_id,
        enquiries.icpc_date,
        enquiries.icpc_cp_plan as is_cp_plan_outcome,
        plans.cp_plan_id
    from enquiries
    left join plans
        on
            enquiries.la_code = plans.la_code
            and enquiries.child_key = plans.child_key
            and enquiries.icpc_date = plans.start_date

)

select
    la_code,
    s47_enquiry_id || '/ICPC' as icpc_id,
    child_key,
    s47_enquiry_id,
    referral_id,
    icpc_date,
    false as is_transfer_in,
    is_cp_plan_outcome,
    cp_plan_id
from conferences
