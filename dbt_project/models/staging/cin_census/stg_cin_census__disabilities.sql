-- One row per disability of a child per collection year (<Disabilities><Disability>).
with

source as (

    select * from {{ census_current('cin_census__disabilities') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ child_key('person_id') }} as child_key,
        disability_index,
        {{ to_code('disability_code') }} as disability_code

    from source

)

select * from renamed
