with

source as (

    select * from {{
        current_rows(
            'benchmarks', 'benchmarks__published',
            ['indicator_id', 'area_code', 'period'],
            per_authority=False
        )
    }}

),

renamed as (

    select
        indicator_id,
        area_code,
        {{ to_code('area_type') }} as area_type,
        period as period_label,
        -- `c`: suppressed in the publication (see stg_benchmarks__regional_returns).
        cast(case when value = 'c' then null else value end as double precision) as value,  -- noqa: RF04
        coalesce(value = 'c', false) as is_suppressed

    from source

)

select * from renamed
