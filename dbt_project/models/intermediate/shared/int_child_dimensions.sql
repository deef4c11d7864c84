-- grain: one row per child: the attributes indicator breakdowns slice by (sex, DfE ethnicity group) and
-- the date of birth the age bands are computed from (it never leaves the intermediate layer).

with

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

final as (

    select
        la_code,
        child_key,
        coalesce(sex_code, 'U') as sex_code,
        case
            when ethnicity_code like 'W%' then 'White'
            when ethnicity_code like 'M%' then 'Mixed'
            when ethnicity_code like 'A%' then 'Asian or Asian British'
            when ethnicity_code like 'B%' then 'Black or Black British'
            when ethnicity_code in ('CHNE', 'OOTH') then 'Other ethnic group'
            else 'Refused or not obtained'
        end as ethnicity_group,
        birth_date
    from persons

)

select * from final
