-- Annex A list 2 as stg_case_system__early_help_episodes (same columns): each episode from the newest workbook
-- listing it (which knows an end an older one could not). Annex A gives no reasons.
select
    la_code,
    {{ annex_a_id('start_date') }} as early_help_episode_id,
    child_key,
    start_date,
    end_date,
    cast(null as varchar) as reason_code,
    cast(null as varchar) as end_reason_code
from {{ annex_a_newest('stg_annex_a__list_02_early_help', 'start_date') }}
