-- List 1: every contact dated in the period (period_start .. as_of, both included), one row per child per contact.
-- `params` (as_of, period_start, year_start) is prepended by read.py.
select
    contacts.child_key,
    contacts.contact_id as record_id,
    contacts.contact_date as event_date,
    contacts.contact_date,
    contacts.contact_source_code
from staging.stg_case_system__contacts as contacts
cross join params
where contacts.contact_date between params.period_start and params.as_of
