-- One row per assessment per collection year (<Assessments> of a <CINdetails>).
with

source as (

    select * from {{ census_module('cin_census__assessments') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'A'", 'start_date']) }} as assessment_id,
        {{ census_id() }} as referral_id,
        {{ child_key('person_id') }} as child_key,
        start_date,
        internal_review_date,
        authorisation_date as authorised_date

    from source

)

select * from renamed
