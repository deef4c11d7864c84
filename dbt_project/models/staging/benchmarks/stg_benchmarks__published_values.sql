with

source as (

    select * from {{ latest_per_key('benchmarks', 'benchmarks__published', ['indicator_id', 'area_code', 'period']) }}

),

renamed as (

    select
        indicator_id,
        area_code,
        {{ to_code('area_type') }} as area_type,
        period as period_label,
        value

    from source

)

select * from renamed
