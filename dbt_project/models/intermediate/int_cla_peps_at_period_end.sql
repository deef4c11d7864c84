-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end,
-- short breaks flagged), with the child's age at D and the date of their latest PEP on or before D.

with

looked_after as (

    select * from {{ ref('int_cla_at_period_end') }}

),

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

peps as (

    select * from {{ ref('stg_education__peps') }}

),

latest_peps as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key,
        max(peps.pep_date) as latest_pep_date
    from looked_after
    inner join peps
        on
            looked_after.child_key = peps.child_key
            and looked_after.period_end >= peps.pep_date
    group by looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key

),

final as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.period_end,
        looked_after.child_key,
        looked_after.is_short_break,
        {{ age_at('persons.birth_date', 'looked_after.period_end') }} as age_at_period_end,
        latest_peps.latest_pep_date
    from looked_after
    left join persons on looked_after.child_key = persons.child_key
    left join latest_peps
        on
            looked_after.la_code = latest_peps.la_code
            and looked_after.period_type = latest_peps.period_type
            and looked_after.period_label = latest_peps.period_label
            and looked_after.child_key = latest_peps.child_key

)

select * from final
