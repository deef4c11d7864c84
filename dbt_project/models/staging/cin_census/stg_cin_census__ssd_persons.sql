-- The CIN census children as stg_case_system__persons (same columns): each child's row from the newest census
-- year that returns them. sex_code is already the SSD code the year's <Sex> / <GenderCurrent> stands for.
select
    la_code,
    child_key,
    sex_code,
    ethnicity_code,
    birth_date,
    expected_birth_date,
    death_date
from {{ census_newest_year('stg_cin_census__children', 'child_key') }}
