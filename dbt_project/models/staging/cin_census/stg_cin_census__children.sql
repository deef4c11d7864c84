-- One row per child per collection year (CIN census <Child>: ChildIdentifiers, Ethnicity). The UPN never leaves
-- raw: only whether there is one.
with

source as (

    select * from {{ census_current('cin_census__children') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ child_key('person_id') }} as child_key,
        (upn is not null) as has_upn,
        {{ to_code('upn_unknown') }} as upn_unknown_code,
        birth_date,
        expected_birth_date,
        {{ to_code('sex_code') }} as sex_code,
        {{ to_code('sex') }} as census_sex_code,
        death_date,
        {{ to_code('ethnicity') }} as ethnicity_code

    from source

)

select * from renamed
