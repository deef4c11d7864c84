-- One row per S47 enquiry per collection year (<Section47> of a <CINdetails>).
with

source as (

    select * from {{ census_module('cin_census__section47') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id(["'S47'", 'start_date']) }} as s47_enquiry_id,
        {{ census_id() }} as referral_id,
        {{ child_key('person_id') }} as child_key,
        start_date,
        icpc_target_date,
        icpc_date,
        {{ to_flag('icpc_not_required') }} as is_icpc_not_required

    from source

)

select * from renamed
