{#- Annex A list 6, Children in need: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_06_children_in_need') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        disability as disability_status,
        referral_date,
        {{ to_code('primary_need_code') }} as primary_need_code,
        last_seen_date,
        close_date,
        {{ to_code('close_reason_code') }} as close_reason_code,
        case_status,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
