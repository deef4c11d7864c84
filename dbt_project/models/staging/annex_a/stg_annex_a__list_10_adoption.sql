{#- Annex A list 10, Adoption: the rows of every workbook loaded, each with its as-of date
    (docs/statutory/sources.md "Annex A"). -#}
with

source as (

    select * from {{ source('annex_a', 'annex_a__list_10_adoption') }}

),

renamed as (

    select
        _la_code as la_code,
        as_of_date,
        sheet_row,
        {{ child_key('person_id') }} as child_key,
        family_id,
        {{ to_code('gender') }} as sex_code,
        {{ to_code('ethnicity') }} as ethnicity_code,
        birth_date,
        age,
        disability as disability_status,
        entered_care_date,
        adoption_decision_date,
        placement_order_date,
        matched_date,
        placed_for_adoption_date,
        adoption_order_date,
        decision_reversed_date,
        reason_why_child_no_longer_placed_for_adoption,
        date_the_child_was_placed_for_fostering_in_ffa_or_concurrent_pl,
        _source_file as source_file

    from source

)

select * from renamed
