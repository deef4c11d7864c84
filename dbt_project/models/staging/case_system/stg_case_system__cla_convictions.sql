with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_convictions') }}

),

renamed as (

    select
        _la_code as la_code,
        clac_cla_conviction_id as cla_conviction_id,
        {{ child_key('clac_person_id') }} as child_key,
        clac_cla_conviction_date as conviction_date,
        clac_cla_conviction_offence as offence

    from source

)

select * from renamed
