-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end,
-- short breaks flagged), with the child's age at D and the date of their latest PEP on or before D.

with

final as (

    {{ latest_record_at_period_end(
        ref('stg_education__peps'), record_key='pep_id', start_date='pep_date',
        columns={'latest_pep_date': 'pep_date'},
    ) }}

)

select * from final
