with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_disability') }}

),

renamed as (

    select
        _la_code as la_code,
        disa_table_id as disability_id,
        {{ child_key('disa_person_id') }} as child_key,
        {{ to_code('disa_disability_code') }} as disability_code

    from source

)

{{ with_statutory_sources('renamed', 'disabilities') }}
