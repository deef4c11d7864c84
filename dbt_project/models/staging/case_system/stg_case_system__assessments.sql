with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cin_assessments') }}

),

renamed as (

    select
        _la_code as la_code,
        cina_assessment_id as assessment_id,
        {{ child_key('cina_person_id') }} as child_key,
        cina_referral_id as referral_id,
        cina_assessment_start_date as start_date,
        cina_assessment_auth_date as authorised_date,
        {{ to_flag('cina_assessment_outcome_nfa') }} as is_outcome_nfa,
        {{ to_flag('cina_assessment_child_seen') }} as is_child_seen

    from source

)

{{ with_statutory_sources('renamed', 'assessments') }}
