with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_department') }}

),

renamed as (

    select
        _la_code as la_code,
        dept_team_id as team_id,
        nullif(trim(dept_team_name), '') as team_name,
        nullif(trim(dept_team_parent_id), '') as parent_team_id

    from source

)

select * from renamed
