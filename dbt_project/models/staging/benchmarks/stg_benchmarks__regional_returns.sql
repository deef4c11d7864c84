with

source as (

    select *
    from {{
        current_rows(
            'benchmarks', 'benchmarks__regional_return',
            ['la_code', 'period', 'indicator_id'],
            per_authority=False
        )
    }}

),

renamed as (

    select
        la_code,
        period as period_label,
        indicator_id,
        numerator,
        denominator,
        -- `c` is DfE's marker for a suppressed small number: no value, flagged (the loader allows only
        -- numbers or the marker here).
        cast(case when value = 'c' then null else value end as double precision) as value,  -- noqa: RF04
        coalesce(value = 'c', false) as is_suppressed

    from source

)

select * from renamed
