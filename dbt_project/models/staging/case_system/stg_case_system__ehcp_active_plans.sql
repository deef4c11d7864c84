with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_ehcp_active_plans') }}

),

renamed as (

    select
        _la_code as la_code,
        ehcp_active_ehcp_id as active_ehcp_id,
        ehcp_ehcp_request_id as ehcp_request_id,
        ehcp_active_ehcp_last_review_date as last_review_date

    from source

)

select * from renamed
