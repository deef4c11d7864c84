with

source as (

    select * from {{ current_rows('partners', 'partners__rhi', ['rhi_id']) }}

),

renamed as (

    select
        _la_code as la_code,
        rhi_id as return_home_interview_id,
        {{ child_key('person_id') }} as child_key,
        missing_start_date,
        offered_date,
        completed_date,
        {{ to_flag('declined') }} as is_declined

    from source

)

select * from renamed
