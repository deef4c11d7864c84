-- One row per CLA review; ssd_cla_reviews carries the period of care (cla_id), not the person.
with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_cla_reviews') }}

),

renamed as (

    select
        _la_code as la_code,
        clar_cla_review_id as cla_review_id,
        clar_cla_id as cla_id,
        clar_cla_review_due_date as due_date,
        clar_cla_review_date as review_date,
        {{ to_flag('clar_cla_review_cancelled') }} as is_cancelled,
        {{ to_code('clar_cla_review_participation') }} as participation_code

    from source

)

{{ with_statutory_sources('renamed', 'cla_reviews') }}
