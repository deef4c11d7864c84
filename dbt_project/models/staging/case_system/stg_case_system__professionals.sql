with

source as (

    select * from {{ current_rows('case_system', 'case_system__ssd_professionals') }}

),

renamed as (

    select
        _la_code as la_code,
        prof_professional_id as professional_id,
        nullif(trim(prof_professional_job_title), '') as job_title,
        prof_professional_caseload as caseload,
        prof_full_time_equivalency as full_time_equivalent,
        {{ to_flag('prof_agency_worker_flag') }} as is_agency_worker

    from source

)

select * from renamed
