with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_sdq_scores') }}

),

renamed as (

    select
        _la_code as la_code,
        csdq_table_id as sdq_score_id,
        {{ child_key('csdq_person_id') }} as child_key,
        csdq_sdq_completed_date as completed_date,
        cast(csdq_sdq_score as integer) as sdq_score,
        {{ to_code('csdq_sdq_reason') }} as sdq_reason_code

    from source

)

select * from renamed
