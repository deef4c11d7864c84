with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_linked_identifiers') }}

),

renamed as (

    select
        _la_code as la_code,
        link_table_id as linked_identifier_id,
        {{ child_key('link_person_id') }} as child_key,
        {{ to_code('link_identifier_type') }} as identifier_type_code,
        link_valid_from_date as valid_from_date,
        link_valid_to_date as valid_to_date

    from source

)

select * from renamed
