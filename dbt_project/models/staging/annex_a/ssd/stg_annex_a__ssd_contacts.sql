-- Annex A list 1 as stg_case_system__contacts (same columns): each contact from the newest workbook listing it.
select
    la_code,
    {{ annex_a_id('contact_date') }} as contact_id,
    child_key,
    contact_date,
    contact_source_code
from {{ annex_a_newest('stg_annex_a__list_01_contacts', 'contact_date') }}
