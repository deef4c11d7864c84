with

source as (

    select * from {{ current_rows('education', 'education__vs_pep', ['pep_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        pep_id,
        {{ child_key('person_id') }} as child_key,
        pep_date,
        pep_review_date,
        {{ to_code('quality_rating') }} as quality_rating

    from source

)

select * from renamed
