with

source as (

    select * from {{ current_rows('reference', 'reference__population') }}

),

renamed as (

    select
        la_code,
        cast(year as integer) as mid_year,
        trim(age) as age,
        cast(population as integer) as population

    from source

)

select * from renamed
