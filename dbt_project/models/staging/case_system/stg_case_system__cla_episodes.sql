-- One row per SSDA903 episode; cla_id identifies the period of care the episode belongs to.
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_episodes') }}

),

renamed as (

    select
        _la_code as la_code,
        clae_cla_episode_id as cla_episode_id,
        {{ child_key('clae_person_id') }} as child_key,
        clae_cla_id as cla_id,
        clae_cla_episode_start_date as start_date,
        {{ to_code('clae_cla_episode_start_reason') }} as start_reason_code,
        {{ to_code('clae_cla_primary_need_code') }} as primary_need_code,
        clae_cla_episode_ceased_date as ceased_date,
        {{ to_code('clae_cla_episode_ceased_reason') }} as ceased_reason_code,
        clae_entered_care_date as entered_care_date

    from source

)

{{ with_statutory_sources('renamed', 'cla_episodes') }}
