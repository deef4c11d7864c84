-- Annex A's "Does the Child have a Disability" (lists 4 to 10) as stg_case_system__disabilities (same columns):
-- the newest workbook's answer per child (its lowest list, then row). No is the DfE code NONE; Yes names no type,
-- so it is DDA (the CIN census's "other disability"); Unknown (or blank) is no row, as the SSD holds nothing.
with

coded as (

    select
        la_code,
        child_key,
        case disability_status when 'no' then 'NONE' when 'yes' then 'DDA' end as disability_code
    from {{ annex_a_newest_per_child(['disability_status'], first_list=4) }}

)

select
    la_code,
    child_key || ':' || disability_code as disability_id,
    child_key,
    disability_code
from coded
where disability_code is not null
