-- One row per CIN plan per collection year (<CINPlanDates> of a <CINdetails>).
with

source as (

    select * from {{ census_module('cin_census__cin_plans') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'CIN'", 'start_date']) }} as cin_plan_id,
        {{ census_id() }} as referral_id,
        {{ child_key('person_id') }} as child_key,
        start_date,
        end_date

    from source

)

select * from renamed
