{#- Annex A list 4, Assessments: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_04_assessments') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        disability as disability_status,
        start_date,
        {{ annex_a_yes_no('is_child_seen') }} as is_child_seen,
        authorised_date,
        {{ annex_a_yes_no('requires_support') }} as requires_support,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
