-- Annex A list 5 as stg_case_system__s47_enquiries (same columns): each enquiry from the newest workbook listing
-- it. "ICPC deemed unnecessary?" is the enquiry's no further action (no conference needed); Annex A has no end
-- date. The referral is the child's latest Annex A referral on or before the start.
with

enquiries as (

    select * from {{ annex_a_newest('stg_annex_a__list_05_section_47', 'start_date') }}

)

select
    enquiries.la_code,
    {{ annex_a_id('start_date', 'enquiries') }} as s47_enquiry_id,
    enquiries.child_key,
    {{ annex_a_referral_on('enquiries') }} as referral_id,
    enquiries.start_date,
    cast(null as date) as end_date,
    enquiries.icpc_unnecessary as is_nfa
from enquiries
