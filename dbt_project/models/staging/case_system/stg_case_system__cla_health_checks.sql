with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_health') }}

),

renamed as (

    select
        _la_code as la_code,
        clah_health_check_id as health_check_id,
        {{ child_key('clah_person_id') }} as child_key,
        {{ to_code('clah_health_check_type') }} as health_check_type_code,
        clah_health_check_date as health_check_date,
        {{ to_code('clah_health_check_status') }} as health_check_status_code

    from source

)

select * from renamed
