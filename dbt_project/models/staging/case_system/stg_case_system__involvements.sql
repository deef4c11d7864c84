with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_involvements') }}

),

renamed as (

    select
        _la_code as la_code,
        invo_involvements_id as involvement_id,
        nullif(trim(invo_professional_id), '') as professional_id,
        {{ child_key('invo_person_id') }} as child_key,
        invo_involvement_start_date as start_date,
        invo_involvement_end_date as end_date,
        invo_professional_team as team_id

    from source

)

select * from renamed
