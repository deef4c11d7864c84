-- The 903 header as stg_case_system__persons (same columns): each child's row from the latest year landed.
-- SEX was 1 (male) or 2 (female) until 2023-24 and M, F or U from 2024-25 (ingest/ssda903/years/*.yaml recode).
with

source as (

    select * from {{ current_rows('ssda903', 'ssda903__header', year_file='ssda903__header') }}

),

latest as (

    select
        _la_code as la_code,
        {{ child_key('child') }} as child_key,
        {{ to_code('sex') }} as sex,
        {{ to_code('ethnic') }} as ethnicity_code,
        dob as birth_date,
        row_number() over (partition by _la_code, child order by collection_year desc, _row_number asc) as year_rank
    from source

)

select
    la_code,
    child_key,
    case sex when '1' then 'M' when '2' then 'F' else sex end as sex_code,
    ethnicity_code,
    birth_date,
    cast(null as date) as expected_birth_date,
    cast(null as date) as death_date
from latest
where year_rank = 1
