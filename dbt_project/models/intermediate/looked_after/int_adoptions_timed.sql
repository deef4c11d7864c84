-- grain: one row per CLA episode ceased by adoption (reason E11 or E12), with the permanence record of its
-- period of care (ssd_permanence by cla_id; the latest record if there are several) and the days from
-- entering care to placement for adoption (A1) and from placement order to match (A2). Null when a date is blank.

with

episodes as (

    select * from {{ ref('stg_case_system__cla_episodes') }}

),

permanence as (

    select * from {{ ref('stg_case_system__permanence') }}

),

adoptions as (

    select * from episodes
    where ceased_reason_code in ('E11', 'E12')

),

ranked_permanence as (

    select
        permanence.*,
        row_number() over (
            partition by permanence.la_code, permanence.cla_id order by permanence.permanence_id desc
        ) as permanence_rank
    from permanence

),

timed as (

    select
        adoptions.la_code,
        adoptions.cla_episode_id,
        adoptions.child_key,
        adoptions.cla_id,
        adoptions.ceased_date,
        adoptions.ceased_reason_code,
        adoptions.entered_care_date,
        ranked_permanence.permanence_id,
        ranked_permanence.placement_order_date,
        ranked_permanence.matched_date,
        ranked_permanence.placed_for_adoption_date,
        {{ dbt.datediff('adoptions.entered_care_date', 'ranked_permanence.placed_for_adoption_date', 'day') }}
            as days_entered_care_to_placed_for_adoption,
        {{ dbt.datediff('ranked_permanence.placement_order_date', 'ranked_permanence.matched_date', 'day') }}
            as days_placement_order_to_matched
    from adoptions
    left join ranked_permanence
        on
            adoptions.la_code = ranked_permanence.la_code
            and adoptions.cla_id = ranked_permanence.cla_id
            and ranked_permanence.permanence_rank = 1

)

select * from timed
