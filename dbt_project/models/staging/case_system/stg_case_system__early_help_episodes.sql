with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_early_help_episodes') }}

),

renamed as (

    select
        _la_code as la_code,
        earl_episode_id as early_help_episode_id,
        {{ child_key('earl_person_id') }} as child_key,
        earl_episode_start_date as start_date,
        earl_episode_end_date as end_date,
        {{ to_code('earl_episode_reason') }} as reason_code,
        {{ to_code('earl_episode_end_reason') }} as end_reason_code

    from source

)

{{ with_statutory_sources('renamed', 'early_help_episodes') }}
