with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_sen_need') }}

),

renamed as (

    select
        _la_code as la_code,
        senn_table_id as sen_need_id,
        senn_active_ehcp_id as active_ehcp_id,
        {{ to_code('senn_active_ehcp_need_type') }} as need_type_code,
        senn_active_ehcp_need_rank as need_rank

    from source

)

select * from renamed
