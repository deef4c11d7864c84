-- List 7: child protection plans open at the as-of date or ended in the period.
-- Last statutory visit: the plan's latest visit on or before the as-of date, and whether the child was seen
-- alone at it; latest review conference: the plan's latest review held on or before the as-of date.
-- had_epo_or_police_protection: a legal status L1 (police protection) or L2 (emergency protection order)
-- overlapping the period. previous_plans: the child's plans that started before this one.
, plans as (
    select plans.*
    from staging.stg_case_system__cp_plans as plans
    cross join params
    where plans.start_date <= params.as_of and (plans.end_date is null or plans.end_date >= params.period_start)
),
visits as (
    select
        visits.cp_plan_id,
        visits.visit_date,
        visits.is_child_seen_alone,
        row_number() over (partition by visits.cp_plan_id order by visits.visit_date desc, visits.cp_visit_id desc)
            as recency
    from staging.stg_case_system__cp_visits as visits
    cross join params
    where visits.visit_date <= params.as_of
)
select
    plans.child_key,
    plans.cp_plan_id as record_id,
    plans.start_date as event_date,
    plans.start_date,
    plans.initial_category_code,
    plans.latest_category_code,
    visits.visit_date as last_visit_date,
    visits.is_child_seen_alone as last_visit_seen_alone,
    (
        select max(reviews.review_date) from staging.stg_case_system__cp_reviews as reviews
        where reviews.cp_plan_id = plans.cp_plan_id and reviews.review_date <= params.as_of
    ) as last_review_date,
    case when plans.end_date <= params.as_of then plans.end_date end as end_date,
    exists (
        select 1 from staging.stg_case_system__legal_statuses as statuses
        where
            statuses.child_key = plans.child_key
            and statuses.legal_status_code in ('L1', 'L2')
            and statuses.start_date <= params.as_of
            and (statuses.end_date is null or statuses.end_date >= params.period_start)
    ) as had_epo_or_police_protection,
    (
        select count(*) from staging.stg_case_system__cp_plans as earlier
        where earlier.child_key = plans.child_key and earlier.start_date < plans.start_date
    ) as previous_plans
from plans
cross join params
left join visits on plans.cp_plan_id = visits.cp_plan_id and visits.recency = 1
