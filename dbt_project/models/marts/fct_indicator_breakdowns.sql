-- grain: one row per indicator x LA x period x dimension (sex, ethnicity_group, age_band) x dimension value,
-- for the indicators a performance team slices. Same arithmetic as fct_indicator_values; over one
-- dimension the numerators and denominators add up to the headline row (tests/assert_breakdowns_add_up.sql).

with

indicators as (

    select * from {{ ref('dim_indicators') }}

),

breakdown_rows as (

    select * from {{ ref('int_indicator_breakdown_rows') }}

),

valued as (

    select
        breakdown_rows.indicator_id,
        breakdown_rows.la_code,
        breakdown_rows.period_type,
        breakdown_rows.period_label,
        breakdown_rows.period_start,
        breakdown_rows.period_end,
        breakdown_rows.dimension,
        breakdown_rows.dimension_value,
        breakdown_rows.numerator,
        breakdown_rows.denominator,
        cast(
            {{ indicator_value('indicators.unit', 'breakdown_rows.numerator', 'breakdown_rows.denominator') }}
            as double precision
        ) as value  -- noqa: RF04
    from breakdown_rows
    inner join indicators on breakdown_rows.indicator_id = indicators.indicator_id

)

select * from valued
