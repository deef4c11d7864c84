{#- Annex A list 2, Early help: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_02_early_help') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        start_date,
        end_date,
        organisation_completing_assessment,
        _source_file as source_file

    from source

)

select * from renamed
