-- grain: one row per initial child protection conference, with its S47 enquiry (when linked) and the
-- working days from the S47 start (strategy discussion) to the conference.

with

icpcs as (

    select * from {{ ref('stg_case_system__initial_cp_conferences') }}

),

s47_enquiries as (

    select * from {{ ref('stg_case_system__s47_enquiries') }}

),

timed as (

    select
        icpcs.la_code,
        icpcs.icpc_id,
        icpcs.child_key,
        icpcs.icpc_date,
        icpcs.is_transfer_in,
        icpcs.is_cp_plan_outcome,
        s47_enquiries.s47_enquiry_id,
        s47_enquiries.start_date as s47_start_date,
        (s47_enquiries.s47_enquiry_id is not null) as has_s47_enquiry,
        {{ working_days_between('wd') }} as working_days_from_s47_start
    from icpcs
    left join s47_enquiries
        on icpcs.la_code = s47_enquiries.la_code and icpcs.s47_enquiry_id = s47_enquiries.s47_enquiry_id
    {{ join_working_day_calendar('s47_enquiries.start_date', 'icpcs.icpc_date', 'wd') }}

)

select * from timed
