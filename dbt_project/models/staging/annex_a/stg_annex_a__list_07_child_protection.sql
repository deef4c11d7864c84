{#- Annex A list 7, Child protection: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_07_child_protection') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        disability as disability_status,
        start_date,
        {{ to_code('initial_category_code') }} as initial_category_code,
        {{ to_code('latest_category_code') }} as latest_category_code,
        last_visit_date,
        {{ annex_a_yes_no('last_visit_seen_alone') }} as last_visit_seen_alone,
        last_review_date,
        end_date,
        {{ annex_a_yes_no('had_epo_or_police_protection') }} as had_epo_or_police_protection,
        previous_plans,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
