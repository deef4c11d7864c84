with

source as (

    select * from {{ current_rows('reference', 'reference__local_authorities') }}

),

renamed as (

    select
        la_code,
        la_gss_code,
        la_name,
        region,
        stat_neighbours

    from source

)

select * from renamed
