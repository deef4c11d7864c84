with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cin_visits') }}

),

renamed as (

    select
        _la_code as la_code,
        cinv_cin_visit_id as cin_visit_id,
        {{ child_key('cinv_person_id') }} as child_key,
        cinv_cin_visit_date as visit_date,
        {{ to_flag('cinv_cin_visit_seen') }} as is_child_seen

    from source

)

select * from renamed
