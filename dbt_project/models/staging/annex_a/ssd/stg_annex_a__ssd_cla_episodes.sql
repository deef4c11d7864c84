-- Annex A list 8 as stg_case_system__cla_episodes (same columns): list 8 gives each child's current (or just
-- ceased) period of care, not its episodes, so each period is one episode from the date the child started to be
-- looked after (a start, RNE S) to its ceased date, from the newest workbook listing it. cla_id is the episode's
-- id. An episode change inside the period (a new placement or legal status) is in the placements and legal
-- statuses.
select
    la_code,
    {{ annex_a_id('entered_care_date') }} as cla_episode_id,
    child_key,
    {{ annex_a_id('entered_care_date') }} as cla_id,
    entered_care_date as start_date,
    'S' as start_reason_code,
    primary_need_code,
    ceased_date,
    ceased_reason_code,
    entered_care_date
from {{ annex_a_newest('stg_annex_a__list_08_children_in_care', 'entered_care_date') }}
