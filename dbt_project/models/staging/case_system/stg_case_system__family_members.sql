with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_family') }}

),

renamed as (

    select
        _la_code as la_code,
        fami_table_id as family_member_id,
        nullif(trim(fami_family_id), '') as family_id,
        {{ child_key('fami_person_id') }} as child_key

    from source

)

select * from renamed
