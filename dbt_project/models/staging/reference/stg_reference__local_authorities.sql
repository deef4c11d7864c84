-- One row per authority (`la_code`, the authority the row is about). In a regional hub each authority's folder may
-- send the list (docs/regional-hub.md): of the authorities' current files, the newest row about each wins.
with

source as (

    select * from {{ current_rows('reference', 'reference__local_authorities') }}

),

newest as (

    select
        source.*,
        row_number() over (
            partition by source.la_code order by source._batch_id desc, source._row_number desc
        ) as sender_rank
    from source

),

renamed as (

    select
        la_code,
        la_gss_code,
        la_name,
        region,
        stat_neighbours

    from newest
    where sender_rank = 1

)

select * from renamed
