-- grain: one row per indicator x LA x period (month, financial quarter, financial year), every complete
-- period of the data window. `value` (the consumers' column name, docs/specs/PRODUCT.md) comes from numerator and
-- denominator by the catalogue unit.

with

indicators as (

    select * from {{ ref('dim_indicators') }}

),

formula_rows as (

    select * from {{ ref('int_indicator_formula_rows') }}

),

valued as (

    select
        formula_rows.indicator_id,
        formula_rows.la_code,
        formula_rows.period_type,
        formula_rows.period_label,
        formula_rows.period_start,
        formula_rows.period_end,
        formula_rows.numerator,
        formula_rows.denominator,
        cast(
            {{ indicator_value('indicators.unit', 'formula_rows.numerator', 'formula_rows.denominator') }}
            as double precision
        ) as value  -- noqa: RF04
    from formula_rows
    inner join indicators on formula_rows.indicator_id = indicators.indicator_id

)

select * from valued
