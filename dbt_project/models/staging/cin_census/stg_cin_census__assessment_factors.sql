-- One row per factor identified at an assessment per collection year (<FactorsIdentifiedAtAssessment>).
with

source as (

    select * from {{
        census_module('cin_census__assessment_factors', parent=('cin_census__assessments', 'assessment_index'))
    }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'A'", 'parent_start_date']) }} as assessment_id,
        factor_index,
        {{ to_code('factor_code') }} as factor_code

    from source

)

select * from renamed
