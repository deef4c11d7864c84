{#- Annex A list 7 (Child protection) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_07_child_protection') }}

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
        {{ to_code('initial_category_code') }} as initial_category_code,
        {{ to_code('latest_category_code') }} as latest_category_code,
        last_visit_date,
        case last_visit_seen_alone when 'true' then true when 'false' then false end as last_visit_seen_alone,
        last_review_date,
        end_date,
        case had_epo_or_police_protection when 'true' then true when 'false' then false end as had_epo_or_police_protection,
        previous_plans,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
