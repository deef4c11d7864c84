-- grain: one row per local authority in the reference list.

with

authorities as (

    select * from {{ ref('stg_reference__local_authorities') }}

)

select
    la_code,
    la_gss_code,
    la_name,
    region,
    stat_neighbours
from authorities
