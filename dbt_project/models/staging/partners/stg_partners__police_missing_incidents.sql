with

source as (

    select * from {{ current_rows('partners', 'partners__police_missing', ['incident_ref']) }}

),

renamed as (

    select
        _la_code as la_code,
        incident_ref as police_incident_id,
        {{ child_key('person_id') }} as child_key,
        person_id is not null as is_matched_to_child,
        reported_date,
        found_date,
        {{ to_code('risk_level') }} as risk_level

    from source

)

select * from renamed
