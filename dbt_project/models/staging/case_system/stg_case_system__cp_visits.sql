with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cp_visits') }}

),

renamed as (

    select
        _la_code as la_code,
        cppv_cp_visit_id as cp_visit_id,
        {{ child_key('cppv_person_id') }} as child_key,
        cppv_cp_plan_id as cp_plan_id,
        cppv_cp_visit_date as visit_date,
        {{ to_flag('cppv_cp_visit_seen') }} as is_child_seen,
        {{ to_flag('cppv_cp_visit_seen_alone') }} as is_child_seen_alone

    from source

)

select * from renamed
