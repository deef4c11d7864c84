{#- Annex A list 8, Children in care: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_08_children_in_care') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ annex_a_child_columns() }},
        {{ annex_a_yes_no('was_uasc_12m') }} as was_uasc_12m,
        disability as disability_status,
        entered_care_date,
        {{ to_code('primary_need_code') }} as primary_need_code,
        {{ annex_a_yes_no('is_repeat_period_12m') }} as is_repeat_period_12m,
        legal_status_start_date,
        {{ to_code('legal_status_code') }} as legal_status_code,
        last_review_date,
        last_visit_date,
        what_is_the_permanence_plan_for_this_child,
        date_of_last_iro_visit_contact_to_the_child,
        last_health_assessment_date,
        last_dental_check_date,
        placements_12m,
        ceased_date,
        {{ to_code('ceased_reason_code') }} as ceased_reason_code,
        placement_start_date,
        {{ to_code('placement_type_code') }} as placement_type_code,
        {{ to_code('placement_provider_code') }} as placement_provider_code,
        urn_of_placement,
        placement_location,
        la_of_placement,
        missing_12m,
        absent_12m,
        {{ annex_a_yes_no('last_missing_rhi_offered') }} as last_missing_rhi_offered,
        {{ annex_a_yes_no('last_missing_rhi_accepted') }} as last_missing_rhi_accepted,
        allocated_team,
        allocated_worker,
        _source_file as source_file

    from source

)

select * from renamed
