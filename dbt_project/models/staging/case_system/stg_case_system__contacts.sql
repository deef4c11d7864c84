with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_contacts') }}

),

renamed as (

    select
        _la_code as la_code,
        cont_contact_id as contact_id,
        {{ child_key('cont_person_id') }} as child_key,
        cont_contact_date as contact_date,
        {{ to_code('cont_contact_source_code') }} as contact_source_code

    from source

)

{{ with_statutory_sources('renamed', 'contacts') }}
