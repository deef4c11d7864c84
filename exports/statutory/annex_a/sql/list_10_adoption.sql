-- List 10: children with an adoption decision (ssd_permanence) who, in the 12 months to the as-of date, were
-- adopted (adoption order in the window), or had the decision and are not yet adopted (no adoption order and
-- no reversal on or before the as-of date), or had the decision reversed in the window.
-- Dates after the as-of date are not known at that date: shown empty. entered_care_date: the start of the
-- period of care (cla_id) the permanence record belongs to.
, permanence as (
    select
        permanence.*,
        case when permanence.permanence_order_type_code = 'ADOPTION' then permanence.permanence_order_date end
            as adoption_order_date
    from staging.stg_case_system__permanence as permanence
    cross join params
    where permanence.adoption_decision_date <= params.as_of
)
select
    permanence.child_key,
    permanence.permanence_id as record_id,
    permanence.adoption_decision_date as event_date,
    (
        select min(episodes.entered_care_date) from staging.stg_case_system__cla_episodes as episodes
        where episodes.cla_id = permanence.cla_id and episodes.child_key = permanence.child_key
    ) as entered_care_date,
    permanence.adoption_decision_date,
    case when permanence.placement_order_date <= params.as_of then permanence.placement_order_date end
        as placement_order_date,
    case when permanence.matched_date <= params.as_of then permanence.matched_date end as matched_date,
    case when permanence.placed_for_adoption_date <= params.as_of then permanence.placed_for_adoption_date end
        as placed_for_adoption_date,
    case when permanence.adoption_order_date <= params.as_of then permanence.adoption_order_date end
        as adoption_order_date,
    case when permanence.decision_reversed_date <= params.as_of then permanence.decision_reversed_date end
        as decision_reversed_date
from permanence
cross join params
where
    permanence.adoption_order_date between params.year_start and params.as_of
    or permanence.decision_reversed_date between params.year_start and params.as_of
    or (
        (permanence.adoption_order_date is null or permanence.adoption_order_date > params.as_of)
        and (permanence.decision_reversed_date is null or permanence.decision_reversed_date > params.as_of)
    )
