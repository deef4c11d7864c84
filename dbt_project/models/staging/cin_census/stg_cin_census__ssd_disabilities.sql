-- The CIN census disabilities as stg_case_system__disabilities (same columns): the codes of each child's newest
-- census year (a code an older year listed and the newest does not is no longer the child's). The census has no
-- row id: disability_id is the child and the code.
select distinct
    la_code,
    child_key || '/' || disability_code as disability_id,
    child_key,
    disability_code
from {{ census_rows_of_newest_year('stg_cin_census__disabilities', 'stg_cin_census__children', 'child_key') }}
where disability_code is not null
