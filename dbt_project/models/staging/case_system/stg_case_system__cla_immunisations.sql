with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_immunisations') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ child_key('clai_person_id') }} as child_key,
        {{ to_flag('clai_immunisations_status') }} as is_immunisations_up_to_date,
        clai_immunisations_status_date as status_date

    from source

)

select * from renamed
