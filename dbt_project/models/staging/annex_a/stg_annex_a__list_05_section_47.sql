{#- Annex A list 5, Section 47 enquiries and Initial Child Protection Conferences: the rows of every workbook
    loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_05_section_47') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        disability as disability_status,
        start_date,
        {{ annex_a_yes_no('icpc_unnecessary') }} as icpc_unnecessary,
        icpc_date,
        {{ annex_a_yes_no('icpc_cp_plan') }} as icpc_cp_plan,
        s47_12m,
        icpcs_12m,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
