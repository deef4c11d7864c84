-- grain: one row per LA x period x child looked after at the period end D (every row of int_cla_at_period_end),
-- with the legal status open at D (the latest-starting one if several overlap) and whether an immigration
-- status UASC is open at D.

with

looked_after as (

    select * from {{ ref('int_cla_at_period_end') }}

),

legal_statuses as (

    select * from {{ ref('stg_case_system__legal_statuses') }}

),

immigration_statuses as (

    select * from {{ ref('stg_case_system__immigration_statuses') }}

),

open_legal_statuses as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key,
        legal_statuses.legal_status_code,
        row_number() over (
            partition by
                looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key
            order by legal_statuses.start_date desc, legal_statuses.legal_status_id desc
        ) as legal_status_rank
    from looked_after
    inner join legal_statuses
        on
            looked_after.child_key = legal_statuses.child_key
            and {{ is_open_at('legal_statuses.start_date', 'legal_statuses.end_date', 'looked_after.period_end') }}

),

uasc as (

    select distinct
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.child_key
    from looked_after
    inner join immigration_statuses
        on
            looked_after.child_key = immigration_statuses.child_key
            and immigration_statuses.immigration_status_code = 'UASC'
            and {{ is_open_at(
                'immigration_statuses.start_date', 'immigration_statuses.end_date', 'looked_after.period_end'
            ) }}

),

final as (

    select
        looked_after.la_code,
        looked_after.period_type,
        looked_after.period_label,
        looked_after.period_end,
        looked_after.child_key,
        looked_after.is_short_break,
        open_legal_statuses.legal_status_code,
        (uasc.child_key is not null) as is_uasc
    from looked_after
    left join open_legal_statuses
        on
            looked_after.la_code = open_legal_statuses.la_code
            and looked_after.period_type = open_legal_statuses.period_type
            and looked_after.period_label = open_legal_statuses.period_label
            and looked_after.child_key = open_legal_statuses.child_key
            and open_legal_statuses.legal_status_rank = 1
    left join uasc
        on
            looked_after.la_code = uasc.la_code
            and looked_after.period_type = uasc.period_type
            and looked_after.period_label = uasc.period_label
            and looked_after.child_key = uasc.child_key

)

select * from final
