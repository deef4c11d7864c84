-- The CIN census factors identified at assessment as stg_case_system__assessment_factors (same columns): one row
-- per assessment with factors, those of the assessment's newest census year (the census lists factors once the
-- assessment is authorised), as the SSD's JSON list in the census's order: ["1A","6B"].
select
    la_code,
    assessment_id as assessment_factor_id,
    assessment_id,
    '[' || string_agg('"' || factor_code || '"', ',' order by factor_index) || ']' as factor_codes_json
from {{
    census_rows_of_newest_year('stg_cin_census__assessment_factors', 'stg_cin_census__assessments', 'assessment_id')
}}
where factor_code is not null
group by la_code, assessment_id
