with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_person') }}

),

renamed as (

    select
        _la_code as la_code,
        {{ child_key('pers_person_id') }} as child_key,
        {{ to_code('pers_sex') }} as sex_code,
        {{ to_code('pers_ethnicity') }} as ethnicity_code,
        pers_dob as birth_date,
        pers_expected_dob as expected_birth_date,
        pers_death_date as death_date

    from source

)

{{ with_statutory_sources('renamed', 'persons') }}
