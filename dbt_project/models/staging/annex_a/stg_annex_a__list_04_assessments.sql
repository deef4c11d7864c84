{#- Annex A list 4 (Assessments) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_04_assessments') }}

),

renamed as (

    select
        as_of_date,
        sheet_row,
        {{ child_key('person_id') }} as child_key,
        {{ to_code('gender') }} as sex_code,
        {{ to_code('ethnicity') }} as ethnicity_code,
        birth_date,
        age,
        disability as disability_status,
        start_date,
        case is_child_seen when 'true' then true when 'false' then false end as is_child_seen,
        authorised_date,
        case requires_support when 'true' then true when 'false' then false end as requires_support,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
