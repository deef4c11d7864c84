-- The 903 missing table as stg_case_system__missing_episodes (same columns). The 903 does not say whether a
-- return home interview was offered or accepted.
with

source as (

    select * from {{ current_rows('ssda903', 'ssda903__missing', year_file='ssda903__missing') }}

),

missing as (

    select
        _la_code as la_code,
        {{ child_key('child') }} as child_key,
        mis_start as start_date,
        mis_end as end_date,
        {{ to_code('missing') }} as missing_type_code,
        row_number() over (
            partition by _la_code, child, mis_start, missing order by collection_year desc, _row_number asc
        ) as year_rank
    from source

)

select
    la_code,
    child_key || ':' || cast(start_date as varchar) || ':' || missing_type_code as missing_episode_id,
    child_key,
    start_date,
    end_date,
    missing_type_code,
    cast(null as boolean) as is_rhi_offered,
    cast(null as boolean) as is_rhi_accepted
from missing
where year_rank = 1
