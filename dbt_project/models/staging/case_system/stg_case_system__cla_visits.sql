with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_visits') }}

),

renamed as (

    select
        _la_code as la_code,
        clav_cla_visit_id as cla_visit_id,
        {{ child_key('clav_person_id') }} as child_key,
        clav_cla_id as cla_id,
        clav_cla_visit_date as visit_date,
        {{ to_flag('clav_cla_visit_seen') }} as is_child_seen,
        {{ to_flag('clav_cla_visit_seen_alone') }} as is_child_seen_alone

    from source

)

select * from renamed
