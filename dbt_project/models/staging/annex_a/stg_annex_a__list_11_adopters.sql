{#- Annex A list 11, Adopters: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_11_adopters') }}

),

renamed as (

    select
        _la_code as la_code,
        as_of_date,
        sheet_row,
        individual_adopter_identifier,
        family_identifier,
        gender as sex_code,
        ethnicity as ethnicity_code,
        disability as disability_status,
        is_the_prospective_adopter_fostering_for_adoption,
        date_enquiry_received,
        date_stage_1_started,
        date_stage_1_ended,
        date_stage_2_started,
        date_stage_2_ended,
        date_application_submitted,
        date_application_approved,
        date_adopter_matched_with_child_ren,
        date_child_children_placed_with_adopter_s,
        no_of_children_placed,
        date_of_adoption_order,
        date_of_leaving_adoption_process,
        reason_for_leaving_adoption_process,
        _source_file as source_file

    from source

)

select * from renamed
