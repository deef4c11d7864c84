with

source as (

    select * from {{ current_rows('education', 'education__vs_suspensions', ['exclusion_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        exclusion_id as suspension_id,
        {{ child_key('person_id') }} as child_key,
        school_urn,
        start_date,
        cast(sessions as integer) as sessions,
        {{ to_code('category') }} as category,
        coalesce({{ to_code('category') }} = 'PERMANENT', false) as is_permanent_exclusion

    from source

)

select * from renamed
