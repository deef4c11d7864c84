with

source as (

    select * from {{ current_rows('health', 'health__assessments', ['assessment_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        assessment_id,
        {{ child_key('person_id') }} as child_key,
        {{ to_code('assessment_type') }} as assessment_type,
        requested_date,
        due_date,
        completed_date,
        {{ to_code('outcome') }} as outcome,
        provider

    from source

)

select * from renamed
