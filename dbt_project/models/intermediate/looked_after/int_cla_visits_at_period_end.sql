-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the date of the child's latest visit on or before D at which the child was seen (null if none).

with

final as (

    {{ latest_record_at_period_end(
        ref('stg_case_system__cla_visits'), record_key='cla_visit_id', start_date='visit_date',
        columns={'latest_seen_visit_date': 'visit_date'}, where='records.is_child_seen = true',
    ) }}

)

select * from final
