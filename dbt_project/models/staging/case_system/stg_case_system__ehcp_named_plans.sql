with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_ehcp_named_plan') }}

),

renamed as (

    select
        _la_code as la_code,
        ehcn_named_plan_id as named_plan_id,
        ehcn_ehcp_asmt_id as ehcp_assessment_id,
        ehcn_named_plan_start_date as start_date,
        ehcn_named_plan_cease_date as cease_date,
        {{ to_code('ehcn_named_plan_cease_reason') }} as cease_reason_code

    from source

)

select * from renamed
