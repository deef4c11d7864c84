-- List 5: every section 47 enquiry that started in the period, with its initial child protection conference
-- (the first ICPC linked to it, held on or before the as-of date).
-- icpc_unnecessary: No when an ICPC was held; Yes when the enquiry ended (by the as-of date) with no further
-- action and no ICPC; empty otherwise (no decision recorded yet).
-- s47_12m: the child's other enquiries started in the 12 months up to their latest enquiry on or before the
-- as-of date; icpcs_12m: ICPCs held in the 12 months before that latest enquiry's start. Per child.
, enquiries as (
    select enquiries.*
    from staging.stg_case_system__s47_enquiries as enquiries
    cross join params
    where enquiries.start_date <= params.as_of
),
conferences as (
    select conferences.*
    from staging.stg_case_system__initial_cp_conferences as conferences
    cross join params
    where conferences.icpc_date <= params.as_of
),
first_conference as (
    select
        s47_enquiry_id,
        icpc_date,
        is_cp_plan_outcome,
        row_number() over (partition by s47_enquiry_id order by icpc_date, icpc_id) as conference_rank
    from conferences
    where s47_enquiry_id is not null
),
latest_enquiry as (
    select
        child_key,
        s47_enquiry_id,
        start_date,
        row_number() over (partition by child_key order by start_date desc, s47_enquiry_id desc) as recency
    from enquiries
),
counted as (
    select
        latest.child_key,
        (
            select count(*) from enquiries as earlier
            where
                earlier.child_key = latest.child_key
                and earlier.s47_enquiry_id != latest.s47_enquiry_id
                and earlier.start_date <= latest.start_date
                and earlier.start_date > latest.start_date - interval '12 months'
        ) as s47_12m,
        (
            select count(*) from conferences
            where
                conferences.child_key = latest.child_key
                and conferences.icpc_date < latest.start_date
                and conferences.icpc_date >= latest.start_date - interval '12 months'
        ) as icpcs_12m
    from latest_enquiry as latest
    where latest.recency = 1
)
select
    enquiries.child_key,
    enquiries.s47_enquiry_id as record_id,
    enquiries.start_date as event_date,
    enquiries.start_date,
    case
        when first_conference.icpc_date is not null then false
        when enquiries.is_nfa and enquiries.end_date <= params.as_of then true
    end as icpc_unnecessary,
    first_conference.icpc_date,
    first_conference.is_cp_plan_outcome as icpc_cp_plan,
    counted.s47_12m,
    counted.icpcs_12m
from enquiries
cross join params
inner join counted on enquiries.child_key = counted.child_key
left join first_conference
    on enquiries.s47_enquiry_id = first_conference.s47_enquiry_id and first_conference.conference_rank = 1
where enquiries.start_date >= params.period_start
