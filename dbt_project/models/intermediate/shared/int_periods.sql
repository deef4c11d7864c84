-- grain: one row per LA x period (month, financial quarter, financial year) that is complete on as_of
-- (period end <= as_of) and starts on or after the start of the data window. The LAs: every authority the warehouse
-- holds case-level data of (a file of a feed other than reference and benchmarks loaded, raw._loads.la_code; many
-- in a regional hub, docs/regional-hub.md), and always var la_code (CSW_LA_CODE), so a warehouse with no data
-- yet still has its authority's periods.

with

-- The data window: `window_start` if set, else the Standard Safeguarding Dataset's own timeframe, the
-- `window_years` (default 6) before as_of, from the first whole month.
as_of_date as (

    select cast('{{ as_of_date() }}' as date) as as_of

),

window_candidate as (

    select
        as_of,
        {% if var('window_start') -%}
            cast('{{ var("window_start") }}' as date)
        {%- else -%}
            {{ add_days(add_months('as_of', -12 * var('window_years')), 1) }}
        {%- endif %} as candidate_start
    from as_of_date

),

bounds as (

    select
        as_of,
        case
            when extract(day from candidate_start) = 1 then candidate_start
            else {{ add_months(dbt.date_trunc('month', 'candidate_start'), 1) }}
        end as window_start
    from window_candidate

),

authorities as (

    select loads.la_code
    from {{ source('loads', 'loads') }} as loads
    where loads.outcome = 'loaded' and loads.feed not in ('reference', 'benchmarks') and loads.la_code is not null
    union
    select '{{ var("la_code") }}' as la_code

),

numbers as (

    {{ dbt.generate_series(600) }}

),

months as (

    select
        {{ add_months('bounds.window_start', 'numbers.generated_number - 1') }} as month_start,
        bounds.as_of
    from bounds
    cross join numbers
    where {{ add_months('bounds.window_start', 'numbers.generated_number - 1') }} <= bounds.as_of

),

labelled as (

    select
        month_start,
        {{ add_days(add_months('month_start', 1), -1) }} as month_end,
        as_of,
        cast(extract(year from month_start) as integer) as calendar_year,
        cast(extract(month from month_start) as integer) as calendar_month
    from months

),

financial as (

    select
        *,
        case when calendar_month >= 4 then calendar_year else calendar_year - 1 end as financial_year_start,
        case
            when calendar_month between 4 and 6 then 1
            when calendar_month between 7 and 9 then 2
            when calendar_month between 10 and 12 then 3
            else 4
        end as financial_quarter
    from labelled

),

named as (

    select
        *,
        cast(financial_year_start as varchar) || '-'
        || right(cast(financial_year_start + 1 as varchar), 2) as financial_year_label
    from financial

),

month_periods as (

    select
        'month' as period_type,
        cast(calendar_year as varchar) || '-' || lpad(cast(calendar_month as varchar), 2, '0') as period_label,
        month_start as period_start,
        month_end as period_end,
        financial_year_start
    from named
    where month_end <= as_of

),

quarter_periods as (

    select
        'quarter' as period_type,
        financial_year_label || 'Q' || cast(financial_quarter as varchar) as period_label,
        min(month_start) as period_start,
        max(month_end) as period_end,
        financial_year_start
    from named
    group by financial_year_label, financial_quarter, financial_year_start
    having count(*) = 3 and max(month_end) <= max(as_of)

),

year_periods as (

    select
        'year' as period_type,
        financial_year_label as period_label,
        min(month_start) as period_start,
        max(month_end) as period_end,
        financial_year_start
    from named
    group by financial_year_label, financial_year_start
    having count(*) = 12 and max(month_end) <= max(as_of)

),

all_periods as (

    select * from month_periods
    union all
    select * from quarter_periods
    union all
    select * from year_periods

),

final as (

    select
        authorities.la_code,
        all_periods.period_type,
        all_periods.period_label,
        all_periods.period_start,
        all_periods.period_end,
        all_periods.financial_year_start
    from authorities
    cross join all_periods

)

select * from final
