with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_pre_proceedings') }}

),

renamed as (

    select
        _la_code as la_code,
        prep_table_id as pre_proceedings_id,
        {{ child_key('prep_person_id') }} as child_key,
        nullif(trim(prep_plo_family_id), '') as plo_family_id,
        prep_pre_pro_decision_date as decision_date,
        prep_initial_pre_pro_meeting_date as initial_meeting_date,
        {{ to_code('prep_pre_pro_outcome') }} as outcome_code,
        prep_agree_stepdown_issue_date as stepdown_or_issue_date,
        prep_pre_pro_letter_date as pre_proceedings_letter_date,
        prep_care_pro_letter_date as care_proceedings_letter_date,
        prep_pre_pro_meetings_num as meetings_count,
        {{ to_flag('prep_pre_pro_parents_legal_rep') }} as has_parents_legal_representation

    from source

)

select * from renamed
