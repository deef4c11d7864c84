-- Annex A's child columns (lists 1 to 10: gender, ethnicity, date of birth) as stg_case_system__persons (same
-- columns): one row per child, from the newest workbook listing the child (its lowest list, then row). Annex A
-- has no expected date of birth or date of death.
select
    la_code,
    child_key,
    sex_code,
    ethnicity_code,
    birth_date,
    cast(null as date) as expected_birth_date,
    cast(null as date) as death_date
from {{ annex_a_newest_per_child(['sex_code', 'ethnicity_code', 'birth_date']) }}
