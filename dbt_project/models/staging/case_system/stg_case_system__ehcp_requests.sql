with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_ehcp_requests') }}

),

renamed as (

    select
        _la_code as la_code,
        ehcr_ehcp_request_id as ehcp_request_id,
        ehcr_send_table_id as send_id,
        ehcr_ehcp_req_date as request_date,
        ehcr_ehcp_req_outcome_date as outcome_date,
        {{ to_flag('ehcr_ehcp_req_outcome') }} as is_assessment_agreed

    from source

)

select * from renamed
