with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_substance_misuse') }}

),

renamed as (

    select
        _la_code as la_code,
        clas_substance_misuse_id as substance_misuse_id,
        {{ child_key('clas_person_id') }} as child_key,
        clas_substance_misuse_date as identified_date,
        {{ to_code('clas_substance_misused') }} as substance_code,
        {{ to_flag('clas_intervention_received') }} as is_intervention_received

    from source

)

select * from renamed
