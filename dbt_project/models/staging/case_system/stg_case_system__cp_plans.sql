with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cp_plans') }}

),

renamed as (

    select
        _la_code as la_code,
        cppl_cp_plan_id as cp_plan_id,
        {{ child_key('cppl_person_id') }} as child_key,
        cppl_referral_id as referral_id,
        cppl_icpc_id as icpc_id,
        cppl_cp_plan_start_date as start_date,
        cppl_cp_plan_end_date as end_date,
        {{ to_code('cppl_cp_plan_initial_category') }} as initial_category_code,
        {{ to_code('cppl_cp_plan_latest_category') }} as latest_category_code

    from source

)

{{ with_statutory_sources('renamed', 'cp_plans') }}
