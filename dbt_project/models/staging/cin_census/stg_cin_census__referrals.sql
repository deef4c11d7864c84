-- One row per referral per collection year (<CINdetails>); referral_id is the child and the referral date.
with

source as (

    select * from {{ census_current('cin_census__referrals') }}

),

renamed as (

    select
        _la_code as la_code,
        collection_year,
        {{ census_id() }} as referral_id,
        {{ child_key('person_id') }} as child_key,
        referral_date,
        {{ to_code('referral_source') }} as referral_source_code,
        {{ to_code('primary_need_code') }} as primary_need_code,
        closure_date as close_date,
        {{ to_code('reason_for_closure') }} as close_reason_code,
        date_of_initial_cpc as icpc_date,
        {{ to_flag('referral_nfa') }} as is_nfa

    from source

)

select * from renamed
