with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_care_plan') }}

),

renamed as (

    select
        _la_code as la_code,
        lacp_table_id as cla_care_plan_id,
        {{ child_key('lacp_person_id') }} as child_key,
        lacp_cla_care_plan_start_date as start_date,
        lacp_cla_care_plan_end_date as end_date,
        lacp_cla_care_plan_json as care_plan_codes_json

    from source

)

select * from renamed
