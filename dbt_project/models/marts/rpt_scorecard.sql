-- grain: one row per authority x indicator x financial quarter (every authority of the warehouse): the quarterly
-- scorecard BI tools and the pages (`csw report scorecard`) read. Commentary lines are per indicator and quarter.
-- RAG comes only from a rule in seeds/rag_rules.csv (compare with the target, the same quarter last year, or the
-- statistical neighbours' mean): an indicator without a rule, or without a direction in the catalogue, has no
-- colour. The gap is how much worse than the reference the value is (by the catalogue's `better`); green when the
-- gap is 0 or less (exactly at the target is green), amber when it is at most the amber band (exactly at the band's
-- edge is amber), red beyond it. Values are compared rounded to 6 decimals so a percentage computed as
-- 18.000000000000004 is at the target 18. A view (over the mart tables): a line written by `csw commentary set`
-- shows at once, without a rebuild.

{{ config(materialized='view') }}

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}
    where period_type = 'quarter'

),

indicators as (

    select * from {{ ref('dim_indicators') }}

),

rag_rules as (

    select * from {{ ref('rag_rules') }}

),

benchmarks as (

    select * from {{ ref('fct_benchmarks') }}

),

commentary_lines as (

    select
        la_code,
        indicator_id,
        period_label,
        commentary,
        written_by,
        written_at,
        row_number() over (
            partition by la_code, indicator_id, period_label order by written_at desc
        ) as newest_first
    from {{ source('reporting', 'commentary') }}

),

quarters as (

    select
        this_year.indicator_id,
        this_year.la_code,
        this_year.period_label,
        this_year.period_start,
        this_year.period_end,
        this_year.numerator,
        this_year.denominator,
        this_year.value,
        last_year.period_label as last_year_period_label,
        last_year.value as last_year_value
    from indicator_values as this_year
    left join indicator_values as last_year
        on
            this_year.la_code = last_year.la_code
            and this_year.indicator_id = last_year.indicator_id
            and last_year.period_start = {{ add_months('this_year.period_start', -12) }}

),

referenced as (

    select
        quarters.*,
        indicators.title,
        indicators.domain,
        indicators.unit,
        indicators.better,
        indicators.in_regional_return,
        indicators.regional_return_order,
        rag_rules.compare_with as rag_compare_with,
        rag_rules.target,
        coalesce(rag_rules.amber_band, 0) as amber_band,
        rag_rules.basis as rag_basis,
        benchmarks.regional_mean,
        benchmarks.our_rank,
        benchmarks.our_quartile,
        benchmarks.authorities_reporting,
        benchmarks.statistical_neighbours_mean,
        benchmarks.england_value,
        case rag_rules.compare_with
            when 'target' then rag_rules.target
            when 'last_year' then quarters.last_year_value
            when 'statistical_neighbours' then benchmarks.statistical_neighbours_mean
        end as rag_reference_value,
        cast(quarters.value - quarters.last_year_value as double precision) as change_since_last_year,
        -- the children or events a figure rests on: the count itself, else the denominator
        case when indicators.unit = 'count' then quarters.numerator else quarters.denominator end
            as small_number_base
    from quarters
    inner join indicators
        on quarters.indicator_id = indicators.indicator_id
    left join rag_rules
        on quarters.indicator_id = rag_rules.indicator_id
    left join benchmarks
        on
            quarters.la_code = benchmarks.la_code
            and quarters.indicator_id = benchmarks.indicator_id
            and quarters.period_label = benchmarks.period_label

),

compared as (

    select
        referenced.*,
        -- how much worse than the reference the value is (negative: better), rounded to 6 decimals
        cast(
            case referenced.better
                when 'low' then referenced.value - referenced.rag_reference_value
                when 'high' then referenced.rag_reference_value - referenced.value
            end as decimal(24, 6)
        ) as rag_gap
    from referenced

),

final as (

    select
        compared.indicator_id,
        compared.la_code,
        compared.period_label,
        compared.period_start,
        compared.period_end,
        compared.title,
        compared.domain,
        compared.unit,
        compared.better,
        compared.in_regional_return,
        compared.regional_return_order,
        compared.value,
        compared.numerator,
        compared.denominator,
        compared.last_year_period_label,
        compared.last_year_value,
        compared.change_since_last_year,
        case
            when compared.change_since_last_year is null or compared.better is null then null
            when cast(compared.change_since_last_year as decimal(24, 6)) = 0 then 'same'
            when (compared.change_since_last_year < 0) = (compared.better = 'low') then 'better'
            else 'worse'
        end as change_direction,
        compared.rag_compare_with,
        compared.target,
        compared.amber_band,
        compared.rag_reference_value,
        case
            when compared.rag_compare_with is null or compared.better is null or compared.rag_gap is null then null
            when compared.rag_gap <= 0 then 'green'
            when compared.rag_gap <= cast(compared.amber_band as decimal(24, 6)) then 'amber'
            else 'red'
        end as rag_status,
        case
            when compared.rag_compare_with is null or compared.better is null then 'No rule'
            when compared.rag_gap is null then 'Not rated'
            when compared.rag_gap <= 0 then 'Green'
            when compared.rag_gap <= cast(compared.amber_band as decimal(24, 6)) then 'Amber'
            else 'Red'
        end as rag_word,
        case
            when compared.rag_compare_with is null then 'No RAG rule for this indicator (seeds/rag_rules.csv)'
            when compared.better is null then 'No RAG: the catalogue gives this indicator no better direction'
            else
                case compared.better when 'low' then 'Lower is better. ' else 'Higher is better. ' end
                || case compared.rag_compare_with
                    when 'target'
                        then
                            'Compared with the target ' || cast(cast(compared.target as decimal(24, 1)) as varchar(32))
                    when 'last_year' then 'Compared with the same quarter last year'
                    else 'Compared with the statistical neighbours'' mean'
                end
                || ': green when as good or better, amber when worse by up to '
                || cast(cast(compared.amber_band as decimal(24, 1)) as varchar(32))
                || ', red when worse by more. '
                || compared.rag_basis
        end as rag_rule,
        compared.regional_mean,
        compared.our_rank,
        compared.our_quartile,
        compared.authorities_reporting,
        compared.statistical_neighbours_mean,
        compared.england_value,
        -- a small number: more than 0 and under the threshold (zero is shown: it identifies nobody)
        coalesce(
            compared.small_number_base > 0 and compared.small_number_base < {{ var('small_numbers_threshold') }},
            false
        ) as is_small_number,
        {{ var('small_numbers_threshold') }} as small_numbers_threshold,
        commentary_lines.commentary,
        commentary_lines.written_by as commentary_by,
        commentary_lines.written_at as commentary_at
    from compared
    left join commentary_lines
        on
            compared.la_code = commentary_lines.la_code
            and compared.indicator_id = commentary_lines.indicator_id
            and compared.period_label = commentary_lines.period_label
            and commentary_lines.newest_first = 1

)

select * from final
