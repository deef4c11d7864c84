-- The CIN census disabilities as stg_case_system__disabilities (same columns): the codes of each child's newest
-- census year (a code an older year listed and the newest does not is no longer the child's). The census has no
-- row id: disability_id is the child and the code.
with

children as (

    select
        child_key,
        collection_year
    from {{ census_newest_year('stg_cin_census__children', 'child_key') }}

),

disabilities as (

    select distinct
        disabilities.child_key,
        disabilities.disability_code
    from {{ ref('stg_cin_census__disabilities') }} as disabilities
    inner join children
        on
            disabilities.child_key = children.child_key
            and disabilities.collection_year = children.collection_year
    where disabilities.disability_code is not null

)

select
    child_key || '/' || disability_code as disability_id,
    child_key,
    disability_code
from disabilities
