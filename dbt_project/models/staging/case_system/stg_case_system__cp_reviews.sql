with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cp_reviews') }}

),

renamed as (

    select
        _la_code as la_code,
        cppr_cp_review_id as cp_review_id,
        {{ child_key('cppr_person_id') }} as child_key,
        cppr_cp_plan_id as cp_plan_id,
        cppr_cp_review_due as due_date,
        cppr_cp_review_date as review_date

    from source

)

{{ with_statutory_sources('renamed', 'cp_reviews') }}
