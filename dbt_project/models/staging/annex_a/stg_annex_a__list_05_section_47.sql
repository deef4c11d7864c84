{#- Annex A list 5 (Section 47 enquiries and Initial Child Protection Conferences) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_05_section_47') }}

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
        case icpc_unnecessary when 'true' then true when 'false' then false end as icpc_unnecessary,
        icpc_date,
        case icpc_cp_plan when 'true' then true when 'false' then false end as icpc_cp_plan,
        s47_12m,
        icpcs_12m,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
