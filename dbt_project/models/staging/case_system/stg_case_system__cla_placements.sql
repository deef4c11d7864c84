with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_placement') }}

),

renamed as (

    select
        _la_code as la_code,
        clap_cla_placement_id as placement_id,
        {{ child_key('clap_person_id') }} as child_key,
        clap_cla_id as cla_id,
        clap_cla_placement_start_date as start_date,
        clap_cla_placement_end_date as end_date,
        {{ to_code('clap_cla_placement_type') }} as placement_type_code,
        {{ to_code('clap_cla_placement_provider') }} as placement_provider_code,
        clap_cla_placement_distance as distance_miles,
        nullif(trim(clap_cla_placement_urn), '') as placement_urn,
        {{ to_code('clap_cla_placement_change_reason') }} as change_reason_code

    from source

)

{{ with_statutory_sources('renamed', 'cla_placements') }}
