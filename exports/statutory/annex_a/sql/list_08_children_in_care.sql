-- List 8: one row per child looked after at the as-of date or who ceased to be looked after in the period: the
-- child's latest episode (started on or before the as-of date) of those open at the date or ceased in the period.
-- A ceased date (and its reason) after the as-of date is not known at that date: shown empty.
-- was_uasc_12m: an immigration status UASC overlapping the 12 months to the as-of date.
-- is_repeat_period_12m: an earlier period of care (earlier entered-care date) ended in those 12 months.
-- Legal status: the latest started on or before the as-of date. Reviews and visits: the latest on or before the
-- as-of date (reviews of this period of care's cla_id, not cancelled; visits since entering care).
-- Health assessment (IHA or RHA) and dental check: the latest completed on or before the as-of date, from the
-- health feed and the case system's own copy. placements_12m: placements open at any time in the 12 months.
-- Most recent placement: the latest started on or before the as-of date. missing_12m / absent_12m: missing
-- episodes of type M / A starting in the 12 months; the return-interview answers are those of the latest
-- type M episode on or before the as-of date.
, episodes as (
    select
        episodes.*,
        row_number() over (
            partition by episodes.child_key order by episodes.start_date desc, episodes.cla_episode_id desc
        ) as recency
    from staging.stg_case_system__cla_episodes as episodes
    cross join params
    where
        episodes.start_date <= params.as_of
        and (episodes.ceased_date is null or episodes.ceased_date >= params.period_start)
),
latest as (
    select * from episodes where recency = 1
),
legal_statuses as (
    select
        statuses.child_key,
        statuses.legal_status_code,
        statuses.start_date,
        row_number() over (
            partition by statuses.child_key order by statuses.start_date desc, statuses.legal_status_id desc
        ) as recency
    from staging.stg_case_system__legal_statuses as statuses
    cross join params
    where statuses.start_date <= params.as_of
),
placements as (
    select
        placements.*,
        row_number() over (
            partition by placements.child_key order by placements.start_date desc, placements.placement_id desc
        ) as recency
    from staging.stg_case_system__cla_placements as placements
    cross join params
    where placements.start_date <= params.as_of
),
health_checks as (
    select child_key, assessment_type as check_type, completed_date as check_date
    from intermediate.int_health_assessments_completed
    union all
    select child_key, health_check_type_code, health_check_date
    from staging.stg_case_system__cla_health_checks
    where health_check_status_code = 'COMPLETED'
),
missing as (
    select
        missing.*,
        row_number() over (
            partition by missing.child_key order by missing.start_date desc, missing.missing_episode_id desc
        ) as recency
    from staging.stg_case_system__missing_episodes as missing
    cross join params
    where missing.start_date <= params.as_of and missing.missing_type_code = 'M'
)
select
    latest.child_key,
    latest.cla_episode_id as record_id,
    latest.entered_care_date as event_date,
    exists (
        select 1 from staging.stg_case_system__immigration_statuses as statuses
        where
            statuses.child_key = latest.child_key and statuses.immigration_status_code = 'UASC'
            and statuses.start_date <= params.as_of
            and (statuses.end_date is null or statuses.end_date >= params.year_start)
    ) as was_uasc_12m,
    latest.entered_care_date,
    latest.primary_need_code,
    exists (
        select 1 from staging.stg_case_system__cla_episodes as earlier
        where
            earlier.child_key = latest.child_key
            and earlier.entered_care_date < latest.entered_care_date
            and earlier.ceased_date >= params.year_start
    ) as is_repeat_period_12m,
    legal_statuses.start_date as legal_status_start_date,
    legal_statuses.legal_status_code,
    (
        select max(reviews.review_date) from staging.stg_case_system__cla_reviews as reviews
        where
            reviews.cla_id = latest.cla_id and reviews.review_date <= params.as_of
            and not coalesce(reviews.is_cancelled, false)
    ) as last_review_date,
    (
        select max(visits.visit_date) from staging.stg_case_system__cla_visits as visits
        where
            visits.child_key = latest.child_key and visits.visit_date <= params.as_of
            and visits.visit_date >= latest.entered_care_date
    ) as last_visit_date,
    (
        select max(health_checks.check_date) from health_checks
        where
            health_checks.child_key = latest.child_key and health_checks.check_type in ('IHA', 'RHA')
            and health_checks.check_date <= params.as_of
    ) as last_health_assessment_date,
    (
        select max(health_checks.check_date) from health_checks
        where
            health_checks.child_key = latest.child_key and health_checks.check_type = 'DENTAL'
            and health_checks.check_date <= params.as_of
    ) as last_dental_check_date,
    (
        select count(*) from placements as counted
        where
            counted.child_key = latest.child_key
            and (counted.end_date is null or counted.end_date >= params.year_start)
    ) as placements_12m,
    case when latest.ceased_date <= params.as_of then latest.ceased_date end as ceased_date,
    case when latest.ceased_date <= params.as_of then latest.ceased_reason_code end as ceased_reason_code,
    placements.start_date as placement_start_date,
    placements.placement_type_code,
    placements.placement_provider_code,
    (
        select count(*) from staging.stg_case_system__missing_episodes as episodes
        where
            episodes.child_key = latest.child_key and episodes.missing_type_code = 'M'
            and episodes.start_date between params.year_start and params.as_of
    ) as missing_12m,
    (
        select count(*) from staging.stg_case_system__missing_episodes as episodes
        where
            episodes.child_key = latest.child_key and episodes.missing_type_code = 'A'
            and episodes.start_date between params.year_start and params.as_of
    ) as absent_12m,
    missing.is_rhi_offered as last_missing_rhi_offered,
    missing.is_rhi_accepted as last_missing_rhi_accepted
from latest
cross join params
left join legal_statuses on latest.child_key = legal_statuses.child_key and legal_statuses.recency = 1
left join placements on latest.child_key = placements.child_key and placements.recency = 1
left join missing on latest.child_key = missing.child_key and missing.recency = 1
