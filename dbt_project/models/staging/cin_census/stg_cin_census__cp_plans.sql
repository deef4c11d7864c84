-- One row per child protection plan per collection year (<ChildProtectionPlans> of a <CINdetails>).
with

source as (

    select * from {{ census_module('cin_census__cp_plans') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'CP'", 'start_date']) }} as cp_plan_id,
        {{ census_id() }} as referral_id,
        {{ child_key('person_id') }} as child_key,
        start_date,
        end_date,
        {{ to_code('initial_category') }} as initial_category_code,
        {{ to_code('latest_category') }} as latest_category_code,
        previous_cp_plans

    from source

)

select * from renamed
