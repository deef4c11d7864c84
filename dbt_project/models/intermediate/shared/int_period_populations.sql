-- grain: one row per LA x period. The 0-17 population used by every rate per 10,000: the mid-year
-- estimate for the calendar year in which the period's financial year begins, else the latest earlier year.

{%- set single_ages = range(18) | map('string') | list %}

with

periods as (

    select * from {{ ref('int_periods') }}

),

population as (

    select * from {{ ref('stg_reference__population') }}

),

totals as (

    select
        la_code,
        mid_year,
        coalesce(
            max(case when age = '0-17' then population end),
            sum(case when age in ('{{ single_ages | join("', '") }}') then population end)  -- noqa: LT05
        ) as population_0_17
    from population
    group by la_code, mid_year

),

matched as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        max(totals.mid_year) as mid_year
    from periods
    left join totals
        on
            periods.la_code = totals.la_code
            and periods.financial_year_start >= totals.mid_year
    group by periods.la_code, periods.period_type, periods.period_label

),

final as (

    select
        matched.la_code,
        matched.period_type,
        matched.period_label,
        matched.mid_year,
        totals.population_0_17
    from matched
    left join totals
        on
            matched.la_code = totals.la_code
            and matched.mid_year = totals.mid_year

)

select * from final
