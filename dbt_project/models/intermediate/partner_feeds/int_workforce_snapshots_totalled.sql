-- grain: one row per workforce snapshot date: the FTEs of every social worker team on that date, summed.

with

team_snapshots as (

    select * from {{ ref('stg_workforce__team_snapshots') }}

),

totalled as (

    select
        team_snapshots.la_code,
        team_snapshots.snapshot_date,
        count(team_snapshots.team_id) as team_count,
        sum(team_snapshots.establishment_fte) as establishment_fte,
        sum(team_snapshots.filled_fte) as filled_fte,
        sum(team_snapshots.agency_fte) as agency_fte,
        sum(team_snapshots.vacancy_fte) as vacancy_fte,
        sum(team_snapshots.leavers_fte_in_month) as leavers_fte_in_month
    from team_snapshots
    group by team_snapshots.la_code, team_snapshots.snapshot_date

)

select * from totalled
