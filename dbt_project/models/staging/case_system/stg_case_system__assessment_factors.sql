with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_assessment_factors') }}

),

renamed as (

    select
        _la_code as la_code,
        cinf_table_id as assessment_factor_id,
        cinf_assessment_id as assessment_id,
        cinf_assessment_factors_json as factor_codes_json

    from source

)

{{ with_statutory_sources('renamed', 'assessment_factors') }}
