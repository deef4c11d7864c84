-- grain: one row per S47 enquiry, flagged when an initial child protection conference links to it.

with

s47_enquiries as (

    select * from {{ ref('stg_case_system__s47_enquiries') }}

),

icpcs as (

    select distinct
        la_code,
        s47_enquiry_id
    from {{ ref('stg_case_system__initial_cp_conferences') }}

),

flagged as (

    select
        s47_enquiries.la_code,
        s47_enquiries.s47_enquiry_id,
        s47_enquiries.child_key,
        s47_enquiries.start_date,
        s47_enquiries.end_date,
        (icpcs.s47_enquiry_id is not null) as has_icpc
    from s47_enquiries
    left join icpcs
        on s47_enquiries.la_code = icpcs.la_code and s47_enquiries.s47_enquiry_id = icpcs.s47_enquiry_id

)

select * from flagged
