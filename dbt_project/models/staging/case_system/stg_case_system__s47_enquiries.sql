with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_s47_enquiry') }}

),

renamed as (

    select
        _la_code as la_code,
        s47e_s47_enquiry_id as s47_enquiry_id,
        {{ child_key('s47e_person_id') }} as child_key,
        s47e_referral_id as referral_id,
        s47e_s47_start_date as start_date,
        s47e_s47_end_date as end_date,
        {{ to_flag('s47e_s47_nfa') }} as is_nfa

    from source

)

{{ with_statutory_sources('renamed', 's47_enquiries') }}
