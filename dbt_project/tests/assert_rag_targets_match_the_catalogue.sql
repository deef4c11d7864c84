-- A RAG target in seeds/rag_rules.csv must not contradict the catalogue's own target for the indicator
-- (the catalogue carries targets for placement stability; the rules seed is where RAG reads them).
select
    rules.indicator_id,
    rules.target as rule_target,
    indicators.target as catalogue_target
from {{ ref('rag_rules') }} as rules
inner join {{ ref('dim_indicators') }} as indicators
    on rules.indicator_id = indicators.indicator_id
where
    rules.compare_with = 'target'
    and (rules.target is null or (indicators.target is not null and rules.target <> indicators.target))
