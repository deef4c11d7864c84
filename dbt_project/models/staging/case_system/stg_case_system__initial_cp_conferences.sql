with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_initial_cp_conference') }}

),

renamed as (

    select
        _la_code as la_code,
        icpc_icpc_id as icpc_id,
        {{ child_key('icpc_person_id') }} as child_key,
        icpc_s47_enquiry_id as s47_enquiry_id,
        icpc_referral_id as referral_id,
        icpc_icpc_date as icpc_date,
        {{ to_flag('icpc_icpc_transfer_in') }} as is_transfer_in,
        {{ to_flag('icpc_icpc_outcome_cp_flag') }} as is_cp_plan_outcome,
        icpc_cp_plan_id as cp_plan_id

    from source

)

{{ with_statutory_sources('renamed', 'initial_cp_conferences') }}
