with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_send') }}

),

renamed as (

    select
        _la_code as la_code,
        send_table_id as send_id,
        {{ child_key('send_person_id') }} as child_key,
        (send_upn is not null or send_uln is not null) as has_pupil_identifier,
        {{ to_code('send_upn_unknown') }} as upn_unknown_reason_code

    from source

)

select * from renamed
