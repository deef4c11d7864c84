with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_address') }}

),

renamed as (

    select
        _la_code as la_code,
        addr_table_id as address_id,
        {{ child_key('addr_person_id') }} as child_key,
        {{ to_code('addr_address_type') }} as address_type_code,
        addr_address_start_date as start_date,
        addr_address_end_date as end_date

    from source

)

select * from renamed
