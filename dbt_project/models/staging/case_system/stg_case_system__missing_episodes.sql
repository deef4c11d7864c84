-- One row per missing / away-from-placement episode (SSD ssd_missing; type M missing, A away).
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_missing') }}

),

renamed as (

    select
        _la_code as la_code,
        miss_table_id as missing_episode_id,
        {{ child_key('miss_person_id') }} as child_key,
        miss_missing_episode_start_date as start_date,
        miss_missing_episode_end_date as end_date,
        {{ to_code('miss_missing_episode_type') }} as missing_type_code,
        {{ to_flag('miss_missing_rhi_offered') }} as is_rhi_offered,
        {{ to_flag('miss_missing_rhi_accepted') }} as is_rhi_accepted

    from source

)

{{ with_statutory_sources('renamed', 'missing_episodes') }}
