-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the legal status open at D (the latest-starting one if several overlap) and whether an immigration
-- status UASC is open at D (uasc_start_date: the start of the latest such status).

with

with_open_legal_status as (

    {{ latest_record_at_period_end(
        ref('stg_case_system__legal_statuses'), record_key='legal_status_id', start_date='start_date',
        end_date='end_date', columns={'legal_status_code': 'legal_status_code'},
    ) }}

),

with_open_uasc_status as (

    {{ latest_record_at_period_end(
        ref('stg_case_system__immigration_statuses'), record_key='immigration_status_id', start_date='start_date',
        end_date='end_date', columns={'uasc_start_date': 'start_date'},
        where="records.immigration_status_code = 'UASC'", children='with_open_legal_status',
    ) }}

),

final as (

    select
        *,
        (uasc_start_date is not null) as is_uasc
    from with_open_uasc_status

)

select * from final
