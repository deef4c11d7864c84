with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cin_plans') }}

),

renamed as (

    select
        _la_code as la_code,
        cinp_cin_plan_id as cin_plan_id,
        {{ child_key('cinp_person_id') }} as child_key,
        cinp_referral_id as referral_id,
        cinp_cin_plan_start_date as start_date,
        cinp_cin_plan_end_date as end_date

    from source

)

{{ with_statutory_sources('renamed', 'cin_plans') }}
