with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_immigration_status') }}

),

renamed as (

    select
        _la_code as la_code,
        immi_immigration_status_id as immigration_status_id,
        {{ child_key('immi_person_id') }} as child_key,
        {{ to_code('immi_immigration_status') }} as immigration_status_code,
        immi_immigration_status_start_date as start_date,
        immi_immigration_status_end_date as end_date

    from source

)

select * from renamed
