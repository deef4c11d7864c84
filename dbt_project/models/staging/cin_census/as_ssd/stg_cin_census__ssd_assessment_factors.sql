-- The CIN census factors identified at assessment as stg_case_system__assessment_factors (same columns): one row
-- per assessment with factors, those of the assessment's newest census year (the census lists factors once the
-- assessment is authorised), as the SSD's JSON list in the census's order: ["1A","6B"].
with

assessments as (

    select
        assessment_id,
        collection_year
    from {{ census_newest_year('stg_cin_census__assessments', 'assessment_id') }}

),

factors as (

    select
        factors.assessment_id,
        factors.factor_index,
        factors.factor_code
    from {{ ref('stg_cin_census__assessment_factors') }} as factors
    inner join assessments
        on
            factors.assessment_id = assessments.assessment_id
            and factors.collection_year = assessments.collection_year
    where factors.factor_code is not null

)

select
    assessment_id as assessment_factor_id,
    assessment_id,
    '[' || string_agg('"' || factor_code || '"', ',' order by factor_index) || ']' as factor_codes_json
from factors
group by assessment_id
