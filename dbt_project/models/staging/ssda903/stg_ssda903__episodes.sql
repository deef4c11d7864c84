-- One row per SSDA903 episode over every collection year landed. An episode open at one year's end is restated
-- in the next year's file (same CHILD and DECOM): the latest year's row is the episode, so the years chain into
-- one history. A period of care starts at RNE S, or where the child's previous episode did not end on this
-- DECOM; status_run and placement_run number the runs of episodes with one legal status / one placement
-- (a placement changes at RNE P, T, B or U, the DfE's codes for a new placement).
with

source as (

    select * from {{ current_rows('ssda903', 'ssda903__episodes', year_file='ssda903__episodes') }}

),

keyed as (

    select
        _la_code as la_code,
        {{ child_key('child') }} as child_key,
        decom as start_date,
        dec as ceased_date,
        {{ to_code('rne') }} as start_reason_code,
        {{ to_code('ls') }} as legal_status_code,
        {{ to_code('cin') }} as primary_need_code,
        {{ to_code('place') }} as placement_type_code,
        {{ to_code('place_provider') }} as placement_provider_code,
        nullif(trim(urn), '') as placement_urn,
        {{ to_code('rec') }} as ceased_reason_code,
        {{ to_code('reason_place_change') }} as change_reason_code,
        collection_year,
        row_number() over (
            partition by _la_code, child, decom order by collection_year desc, _row_number asc
        ) as year_rank

    from source

),

ordered as (

    select
        *,
        lag(ceased_date) over (partition by la_code, child_key order by start_date) as previous_ceased_date,
        lag(legal_status_code) over (partition by la_code, child_key order by start_date) as previous_legal_status_code
    from keyed
    where year_rank = 1

),

flagged as (

    select
        *,
        case
            when start_reason_code = 'S' then 1
            when previous_ceased_date is null or previous_ceased_date <> start_date then 1
            else 0
        end as is_period_start
    from ordered

),

numbered as (

    select
        *,
        sum(is_period_start) over (
            partition by la_code, child_key order by start_date rows between unbounded preceding and current row
        ) as period_number,
        sum(
            case
                when is_period_start = 1 or legal_status_code is distinct from previous_legal_status_code then 1
                else 0
            end
        ) over (partition by la_code, child_key order by start_date rows between unbounded preceding and current row)
            as status_run,
        sum(
            case when is_period_start = 1 or start_reason_code in ('P', 'T', 'B', 'U') then 1 else 0 end
        ) over (partition by la_code, child_key order by start_date rows between unbounded preceding and current row)
            as placement_run
    from flagged

),

final as (

    select
        la_code,
        child_key,
        start_date,
        ceased_date,
        start_reason_code,
        legal_status_code,
        primary_need_code,
        placement_type_code,
        placement_provider_code,
        placement_urn,
        ceased_reason_code,
        change_reason_code,
        collection_year,
        status_run,
        placement_run,
        min(start_date) over (partition by la_code, child_key, period_number) as entered_care_date
    from numbered

)

select
    *,
    child_key || ':' || cast(entered_care_date as varchar) as cla_id
from final
