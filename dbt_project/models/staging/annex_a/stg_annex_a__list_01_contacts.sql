{#- Annex A list 1 (Contacts) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_01_contacts') }}

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
        contact_date,
        {{ to_code('contact_source_code') }} as contact_source_code,
        _source_file as source_file

    from source

)

select * from renamed
