with

source as (

    select *
    from {{ latest_per_key('benchmarks', 'benchmarks__regional_return', ['la_code', 'period', 'indicator_id']) }}

),

renamed as (

    select
        la_code,
        period as period_label,
        indicator_id,
        numerator,
        denominator,
        value

    from source

)

select * from renamed
