{#- Annex A list 9, Care leavers: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_09_care_leavers') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        {{ annex_a_yes_no('was_ever_uasc') }} as was_ever_uasc,
        disability as disability_status,
        allocated_team,
        allocated_worker,
        allocated_personal_advisor,
        eligibility_code,
        pathway_plan_review_date,
        {{ to_code('in_touch_code') }} as in_touch_code,
        latest_contact_date,
        {{ to_code('accommodation_code') }} as accommodation_code,
        {{ annex_a_yes_no('is_accommodation_suitable') }} as is_accommodation_suitable,
        {{ to_code('activity_code') }} as activity_code,
        _source_file as source_file

    from source

)

select * from renamed
