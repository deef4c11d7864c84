-- List 6: children in need episodes (SSD ssd_cin_episodes, staged as referrals) open at the as-of date or closed
-- in the period, leaving out referrals closed with no further action (children "only the subject of a referral").
-- last_seen_date: the latest visit at which the child was seen (CIN, child protection or looked-after visits)
-- during the episode, on or before the as-of date. case_status at the as-of date: closed (episode closed by
-- then), else looked after, child protection plan, child in need plan, open assessment, the first that holds.
, episodes as (
    select referrals.*
    from staging.stg_case_system__referrals as referrals
    cross join params
    where
        referrals.referral_date <= params.as_of
        and (referrals.close_date is null or referrals.close_date >= params.period_start)
        and not coalesce(referrals.is_nfa, false)
),
seen_visits as (
    select child_key, visit_date from staging.stg_case_system__cin_visits where is_child_seen
    union all
    select child_key, visit_date from staging.stg_case_system__cp_visits where is_child_seen
    union all
    select child_key, visit_date from staging.stg_case_system__cla_visits where is_child_seen
)
select
    episodes.child_key,
    episodes.referral_id as record_id,
    episodes.referral_date as event_date,
    episodes.referral_date,
    episodes.primary_need_code,
    (
        select max(seen_visits.visit_date) from seen_visits
        where
            seen_visits.child_key = episodes.child_key
            and seen_visits.visit_date >= episodes.referral_date
            and seen_visits.visit_date <= params.as_of
            and (episodes.close_date is null or seen_visits.visit_date <= episodes.close_date)
    ) as last_seen_date,
    case when episodes.close_date <= params.as_of then episodes.close_date end as close_date,
    case when episodes.close_date <= params.as_of then episodes.close_reason_code end as close_reason_code,
    case
        when episodes.close_date <= params.as_of then 'closed'
        when exists (
            select 1 from staging.stg_case_system__cla_episodes as cla
            where
                cla.child_key = episodes.child_key and cla.start_date <= params.as_of
                and (cla.ceased_date is null or cla.ceased_date > params.as_of)
        ) then 'looked_after'
        when exists (
            select 1 from staging.stg_case_system__cp_plans as plans
            where
                plans.child_key = episodes.child_key and plans.start_date <= params.as_of
                and (plans.end_date is null or plans.end_date > params.as_of)
        ) then 'cp_plan'
        when exists (
            select 1 from staging.stg_case_system__cin_plans as plans
            where
                plans.child_key = episodes.child_key and plans.start_date <= params.as_of
                and (plans.end_date is null or plans.end_date > params.as_of)
        ) then 'cin_plan'
        when exists (
            select 1 from staging.stg_case_system__assessments as assessments
            where
                assessments.child_key = episodes.child_key and assessments.start_date <= params.as_of
                and (assessments.authorised_date is null or assessments.authorised_date > params.as_of)
        ) then 'open_assessment'
    end as case_status
from episodes
cross join params
