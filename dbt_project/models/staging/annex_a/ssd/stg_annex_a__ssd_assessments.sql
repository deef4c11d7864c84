-- Annex A list 4 as stg_case_system__assessments (same columns): each assessment from the newest workbook listing
-- it (which knows an authorisation an older one could not). "Requiring LA children's social care support?" is the
-- outcome's opposite of NFA. Annex A names no referral: the child's latest referral on or before the start.
with

assessments as (

    select * from {{ annex_a_newest('stg_annex_a__list_04_assessments', 'start_date') }}

)

select
    assessments.la_code,
    {{ annex_a_id('start_date', 'assessments') }} as assessment_id,
    assessments.child_key,
    {{ annex_a_referral_on('assessments') }} as referral_id,
    assessments.start_date,
    assessments.authorised_date,
    not assessments.requires_support as is_outcome_nfa,
    assessments.is_child_seen
from assessments
