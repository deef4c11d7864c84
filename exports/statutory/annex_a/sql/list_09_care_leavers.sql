-- List 9: each child's latest care leaver record (latest contact on or before the as-of date, or undated;
-- ties: the highest record id), leaving out those recorded as died and those aged 26 or over at the as-of date
-- (leaving care support ends at 25; a child with no date of birth stays in).
-- was_ever_uasc: an immigration status UASC that started on or before the as-of date ("or formerly UASC").
, records as (
    select
        leavers.*,
        row_number() over (
            partition by leavers.child_key
            order by leavers.latest_contact_date desc nulls last, leavers.care_leaver_record_id desc
        ) as recency
    from staging.stg_case_system__care_leavers as leavers
    cross join params
    where leavers.latest_contact_date is null or leavers.latest_contact_date <= params.as_of
)
select
    records.child_key,
    records.care_leaver_record_id as record_id,
    records.latest_contact_date as event_date,
    exists (
        select 1 from staging.stg_case_system__immigration_statuses as statuses
        where
            statuses.child_key = records.child_key and statuses.immigration_status_code = 'UASC'
            and statuses.start_date <= params.as_of
    ) as was_ever_uasc,
    records.eligibility_code,
    case when records.pathway_plan_review_date <= params.as_of then records.pathway_plan_review_date end
        as pathway_plan_review_date,
    records.in_touch_code,
    records.latest_contact_date,
    records.accommodation_code,
    records.is_accommodation_suitable,
    records.activity_code
from records
cross join params
left join staging.stg_case_system__persons as persons on records.child_key = persons.child_key
where
    records.recency = 1
    and coalesce(records.in_touch_code, '') != 'DIED'
    and (persons.birth_date is null or persons.birth_date > params.as_of - interval '26 years')
