-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end,
-- short breaks flagged), with the child's age at D and the date of their latest PEP on or before D.

with

persons as (

    select * from {{ ref('stg_case_system__persons') }}

),

with_latest_pep as (

    {{ latest_record_at_period_end(
        ref('stg_education__peps'), record_key='pep_id', start_date='pep_date',
        columns={'latest_pep_date': 'pep_date'},
    ) }}

),

final as (

    select
        with_latest_pep.*,
        {{ age_at('persons.birth_date', 'with_latest_pep.period_end') }} as age_at_period_end
    from with_latest_pep
    left join persons on with_latest_pep.child_key = persons.child_key

)

select * from final
