with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_legal_status') }}

),

renamed as (

    select
        _la_code as la_code,
        lega_legal_status_id as legal_status_id,
        {{ child_key('lega_person_id') }} as child_key,
        {{ to_code('lega_legal_status') }} as legal_status_code,
        lega_legal_status_start_date as start_date,
        lega_legal_status_end_date as end_date

    from source

)

{{ with_statutory_sources('renamed', 'legal_statuses') }}
