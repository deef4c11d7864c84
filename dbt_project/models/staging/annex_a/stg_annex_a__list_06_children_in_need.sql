{#- Annex A list 6 (Children in need) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_06_children_in_need') }}

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
