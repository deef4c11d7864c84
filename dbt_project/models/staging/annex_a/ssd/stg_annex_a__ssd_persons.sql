-- Annex A's child columns (lists 1 to 10: gender, ethnicity, date of birth) as stg_case_system__persons (same
-- columns): one row per child, from the newest workbook listing the child (its lowest list, then row). Annex A
-- has no expected date of birth or date of death.
with

listed as (

    select
        as_of_date,
        1 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_01_contacts') }}

    union all

    select
        as_of_date,
        2 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_02_early_help') }}

    union all

    select
        as_of_date,
        3 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_03_referrals') }}

    union all

    select
        as_of_date,
        4 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_04_assessments') }}

    union all

    select
        as_of_date,
        5 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_05_section_47') }}

    union all

    select
        as_of_date,
        6 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_06_children_in_need') }}

    union all

    select
        as_of_date,
        7 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_07_child_protection') }}

    union all

    select
        as_of_date,
        8 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_08_children_in_care') }}

    union all

    select
        as_of_date,
        9 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_09_care_leavers') }}

    union all

    select
        as_of_date,
        10 as list_number,
        sheet_row,
        child_key,
        sex_code,
        ethnicity_code,
        birth_date
    from {{ ref('stg_annex_a__list_10_adoption') }}

),

ranked as (

    select
        *,
        row_number() over (partition by child_key order by as_of_date desc, list_number asc, sheet_row asc)
            as recency
    from listed
    where child_key is not null

)

select
    child_key,
    sex_code,
    ethnicity_code,
    birth_date,
    cast(null as date) as expected_birth_date,
    cast(null as date) as death_date
from ranked
where recency = 1
