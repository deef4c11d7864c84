with

source as (

    select * from {{ current_rows('workforce', 'workforce__team_snapshots', ['snapshot_date', 'team_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        snapshot_date,
        team_id,
        team_name,
        establishment_fte,
        filled_fte,
        agency_fte,
        vacancy_fte,
        leavers_fte_in_month,
        sickness_days_in_month

    from source

)

select * from renamed
