-- grain: one row per authority of the warehouse (`la_code`: every authority fct_indicator_values has, many in a
-- regional hub, docs/regional-hub.md), indicator and quarter that another authority's return or a published figure
-- covers. Our values come from fct_indicator_values (never from a return of ours sent back); the region is every
-- authority with a number that quarter: each authority of the warehouse with its computed value, and every other
-- authority with its return. Statistical neighbours are each authority's own. Suppressed (`c`) and blank values are
-- left out of the mean, median, rank and count, and counted in authorities_suppressed. Rank 1 is best by the
-- indicator's `better` direction; tied values share the lowest rank of the tie (SQL rank(): 1, 1, 3); indicators
-- with no direction get no rank or quartile. Quartile 1 is the best quarter of the ranks: floor(4 * (rank - 1) /
-- authorities_reporting) + 1.

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}

),

indicators as (

    select * from {{ ref('dim_indicators') }}

),

local_authorities as (

    select * from {{ ref('dim_local_authorities') }}

),

regional_returns as (

    select * from {{ ref('stg_benchmarks__regional_returns') }}

),

published_values as (

    select * from {{ ref('stg_benchmarks__published_values') }}

),

our_authorities as (

    select distinct la_code from indicator_values

),

our_values as (

    select
        indicator_id,
        period_label,
        la_code,
        value,
        false as is_suppressed
    from indicator_values
    where period_type = 'quarter'

),

other_values as (

    select
        regional_returns.indicator_id,
        regional_returns.period_label,
        regional_returns.la_code,
        regional_returns.value,
        regional_returns.is_suppressed
    from regional_returns
    where not exists (
        select 1 from our_authorities
        where our_authorities.la_code = regional_returns.la_code
    )

),

benchmarked_quarters as (

    select
        indicator_id,
        period_label
    from other_values
    union
    select
        indicator_id,
        period_label
    from published_values

),

region as (

    select * from our_values
    union all
    select * from other_values

),

ranked as (

    select
        region.indicator_id,
        region.period_label,
        region.la_code,
        region.value,
        rank() over (
            partition by region.indicator_id, region.period_label
            order by case indicators.better when 'low' then region.value else -region.value end
        ) as value_rank
    from region
    inner join indicators
        on region.indicator_id = indicators.indicator_id
    where
        region.value is not null
        and indicators.better in ('high', 'low')

),

regional_statistics as (

    select
        indicator_id,
        period_label,
        count(value) as authorities_reporting,
        sum(case when is_suppressed then 1 else 0 end) as authorities_suppressed,
        -- every mean here sums its values in ascending order: a sum of doubles depends on the order of its
        -- terms (in the last bit) and the rows come in the plan's order, so two builds could otherwise differ
        avg(value order by value) as regional_mean,
        {{ median('value') }} as regional_median
    from region
    group by indicator_id, period_label

),

-- Published figures, for each of our authorities, an LA's flagged when it is one of that authority's statistical
-- neighbours (a published LA figure names its authority by LA code or by GSS code).
published_areas as (

    select
        our_authorities.la_code,
        published_values.indicator_id,
        published_values.period_label,
        published_values.area_type,
        published_values.value,
        (
            published_values.area_type = 'LA'
            and ';' || our_authority.stat_neighbours || ';'
            like '%;' || coalesce(named_authorities.la_code, published_values.area_code) || ';%'
        ) as is_statistical_neighbour
    from our_authorities
    cross join published_values
    left join local_authorities as named_authorities
        on published_values.area_code = named_authorities.la_gss_code
    left join local_authorities as our_authority
        on our_authorities.la_code = our_authority.la_code

),

published_statistics as (

    select
        la_code,
        indicator_id,
        period_label,
        avg(case when area_type = 'ENGLAND' then value end order by value) as england_value,
        avg(case when area_type = 'REGION' then value end order by value) as published_region_value,
        avg(case when is_statistical_neighbour then value end order by value) as statistical_neighbours_mean,
        count(case when is_statistical_neighbour then value end) as statistical_neighbours_reporting
    from published_areas
    group by la_code, indicator_id, period_label

),

final as (

    select
        benchmarked_quarters.indicator_id,
        benchmarked_quarters.period_label,
        our_authorities.la_code,
        indicators.better,
        our_values.value as our_value,
        regional_statistics.regional_mean,
        regional_statistics.regional_median,
        ranked.value_rank as our_rank,
        -- null when there is no rank
        cast(floor(4.0 * (ranked.value_rank - 1) / regional_statistics.authorities_reporting) as integer)
        + 1 as our_quartile,
        coalesce(regional_statistics.authorities_reporting, 0) as authorities_reporting,
        coalesce(regional_statistics.authorities_suppressed, 0) as authorities_suppressed,
        published_statistics.england_value,
        published_statistics.published_region_value,
        published_statistics.statistical_neighbours_mean,
        coalesce(published_statistics.statistical_neighbours_reporting, 0) as statistical_neighbours_reporting
    from our_authorities
    cross join benchmarked_quarters
    inner join indicators
        on benchmarked_quarters.indicator_id = indicators.indicator_id
    left join our_values
        on
            our_authorities.la_code = our_values.la_code
            and benchmarked_quarters.indicator_id = our_values.indicator_id
            and benchmarked_quarters.period_label = our_values.period_label
    left join ranked
        on
            benchmarked_quarters.indicator_id = ranked.indicator_id
            and benchmarked_quarters.period_label = ranked.period_label
            and our_authorities.la_code = ranked.la_code
    left join regional_statistics
        on
            benchmarked_quarters.indicator_id = regional_statistics.indicator_id
            and benchmarked_quarters.period_label = regional_statistics.period_label
    left join published_statistics
        on
            our_authorities.la_code = published_statistics.la_code
            and benchmarked_quarters.indicator_id = published_statistics.indicator_id
            and benchmarked_quarters.period_label = published_statistics.period_label

)

select * from final
