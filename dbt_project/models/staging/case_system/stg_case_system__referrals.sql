-- One row per referral (SSD ssd_cin_episodes: a CIN episode opens with a referral).
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cin_episodes') }}

),

renamed as (

    select
        _la_code as la_code,
        cine_referral_id as referral_id,
        {{ child_key('cine_person_id') }} as child_key,
        cine_referral_date as referral_date,
        {{ to_code('cine_cin_primary_need_code') }} as primary_need_code,
        {{ to_code('cine_referral_source_code') }} as referral_source_code,
        {{ to_flag('cine_referral_nfa') }} as is_nfa,
        {{ to_code('cine_close_reason') }} as close_reason_code,
        cine_close_date as close_date

    from source

)

{{ with_statutory_sources('renamed', 'referrals') }}
