with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_mother') }}

),

renamed as (

    select
        _la_code as la_code,
        moth_table_id as mother_record_id,
        {{ child_key('moth_person_id') }} as mother_child_key,
        {{ child_key('moth_childs_person_id') }} as baby_child_key

    from source

)

select * from renamed
