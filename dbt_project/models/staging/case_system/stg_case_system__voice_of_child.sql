with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_voice_of_child') }}

),

renamed as (

    select
        _la_code as la_code,
        voch_table_id as voice_of_child_id,
        {{ child_key('voch_person_id') }} as child_key,
        {{ to_flag('voch_explained_worries') }} as is_worries_explained,
        {{ to_flag('voch_story_help_understand') }} as is_story_helpful,
        {{ to_flag('voch_agree_worker') }} as is_agreeing_with_worker,
        {{ to_flag('voch_plan_safe') }} as is_plan_keeping_safe,
        {{ to_flag('voch_tablet_help_explain') }} as is_tablet_helping_explain

    from source

)

select * from renamed
