-- Annex A's "Does the Child have a Disability" (lists 4 to 10) as stg_case_system__disabilities (same columns):
-- the newest workbook's answer per child (its lowest list, then row). No is the DfE code NONE; Yes names no type,
-- so it is DDA (the CIN census's "other disability"); Unknown (or blank) is no row, as the SSD holds nothing.
with

listed as (

    select
        as_of_date,
        4 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_04_assessments') }}

    union all

    select
        as_of_date,
        5 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_05_section_47') }}

    union all

    select
        as_of_date,
        6 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_06_children_in_need') }}

    union all

    select
        as_of_date,
        7 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_07_child_protection') }}

    union all

    select
        as_of_date,
        8 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_08_children_in_care') }}

    union all

    select
        as_of_date,
        9 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_09_care_leavers') }}

    union all

    select
        as_of_date,
        10 as list_number,
        sheet_row,
        child_key,
        disability_status
    from {{ ref('stg_annex_a__list_10_adoption') }}

),

ranked as (

    select
        *,
        row_number() over (partition by child_key order by as_of_date desc, list_number asc, sheet_row asc)
            as recency
    from listed
    where child_key is not null

),

coded as (

    select
        child_key,
        case disability_status when 'no' then 'NONE' when 'yes' then 'DDA' end as disability_code
    from ranked
    where recency = 1

)

select
    child_key || ':' || disability_code as disability_id,
    child_key,
    disability_code
from coded
where disability_code is not null
