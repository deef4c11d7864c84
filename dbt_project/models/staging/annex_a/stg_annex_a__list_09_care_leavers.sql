{#- Annex A list 9 (Care leavers) as loaded from authorities' workbooks: every workbook's rows,
    each with its as-of date (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_09_care_leavers') }}

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
        case was_ever_uasc when 'true' then true when 'false' then false end as was_ever_uasc,
        disability as disability_status,
        allocated_team,
        allocated_worker,
        allocated_personal_advisor,
        eligibility_code,
        pathway_plan_review_date,
        {{ to_code('in_touch_code') }} as in_touch_code,
        latest_contact_date,
        {{ to_code('accommodation_code') }} as accommodation_code,
        case is_accommodation_suitable when 'true' then true when 'false' then false end as is_accommodation_suitable,
        {{ to_code('activity_code') }} as activity_code,
        _source_file as source_file

    from source

)

select * from renamed
