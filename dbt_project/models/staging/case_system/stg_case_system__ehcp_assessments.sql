with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_ehcp_assessment') }}

),

renamed as (

    select
        _la_code as la_code,
        ehca_ehcp_assessment_id as ehcp_assessment_id,
        ehca_ehcp_request_id as ehcp_request_id,
        ehca_ehcp_assessment_outcome_date as outcome_date,
        {{ to_flag('ehca_ehcp_assessment_outcome') }} as is_plan_agreed,
        {{ to_flag('ehca_ehcp_assessment_exceptions') }} as has_timescale_exception

    from source

)

select * from renamed
