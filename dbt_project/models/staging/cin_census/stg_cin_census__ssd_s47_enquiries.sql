-- The CIN census S47 enquiries (<Section47>) as stg_case_system__s47_enquiries (same columns): one row per
-- enquiry, from the newest census year that returns it. The census has no end date and no outcome (only whether
-- a conference was not required): both null.
select
    la_code,
    s47_enquiry_id,
    child_key,
    referral_id,
    start_date,
    cast(null as date) as end_date,
    cast(null as boolean) as is_nfa
from {{ census_newest_year('stg_cin_census__section47', 's47_enquiry_id') }}
