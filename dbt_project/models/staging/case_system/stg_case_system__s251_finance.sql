with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_s251_finance') }}

),

renamed as (

    select
        _la_code as la_code,
        s251_table_id as s251_finance_id,
        s251_cla_placement_id as placement_id

    from source

)

select * from renamed
