with

source as (

    select * from {{ current_rows('education', 'education__vs_attendance', ['person_id', 'week_start']) }}

),

renamed as (

    select
        _la_code as la_code,
        {{ child_key('person_id') }} as child_key,
        week_start as week_start_date,
        school_urn,
        {{ to_code('school_phase') }} as school_phase,
        cast(possible_sessions as integer) as possible_sessions,
        cast(attended_sessions as integer) as attended_sessions,
        cast(authorised_absence_sessions as integer) as authorised_absence_sessions,
        cast(unauthorised_absence_sessions as integer) as unauthorised_absence_sessions

    from source

)

select * from renamed
