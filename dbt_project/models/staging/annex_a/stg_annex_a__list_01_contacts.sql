{#- Annex A list 1, Contacts: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_01_contacts') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        contact_date,
        {{ to_code('contact_source_code') }} as contact_source_code,
        _source_file as source_file

    from source

)

select * from renamed
