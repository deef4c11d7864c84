-- One row per CP plan review per collection year (<Reviews><CPPreviewDate> of a plan).
with

source as (

    select * from {{ census_module('cin_census__cp_reviews', parent=('cin_census__cp_plans', 'cp_plan_index')) }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'CP'", 'parent_start_date', "'R'", 'review_date']) }} as cp_review_id,
        {{ census_id(["'CP'", 'parent_start_date']) }} as cp_plan_id,
        {{ child_key('person_id') }} as child_key,
        review_date

    from source

)

select * from renamed
