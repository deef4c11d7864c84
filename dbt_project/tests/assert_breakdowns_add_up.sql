-- Over each dimension, a breakdown's numerators and denominators add up to the headline row of
-- fct_indicator_values (every child has one sex, one ethnicity group and one age band at a date).
-- Returns the indicator x period x dimension combinations that do not add up.

with

headline as (

    select * from {{ ref('fct_indicator_values') }}
    where indicator_id in (select distinct indicator_id from {{ ref('fct_indicator_breakdowns') }})

),

dimensions as (

    select distinct dimension from {{ ref('fct_indicator_breakdowns') }}

),

summed as (

    select
        indicator_id,
        la_code,
        period_type,
        period_label,
        dimension,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('fct_indicator_breakdowns') }}
    group by indicator_id, la_code, period_type, period_label, dimension

),

compared as (

    select
        headline.indicator_id,
        headline.period_label,
        dimensions.dimension,
        headline.numerator as headline_numerator,
        coalesce(summed.numerator, 0) as breakdown_numerator,
        headline.denominator as headline_denominator,
        summed.denominator as breakdown_denominator
    from headline
    cross join dimensions
    left join summed
        on
            headline.indicator_id = summed.indicator_id
            and headline.la_code = summed.la_code
            and headline.period_type = summed.period_type
            and headline.period_label = summed.period_label
            and dimensions.dimension = summed.dimension

)

select * from compared
where
    headline_numerator != breakdown_numerator
    or coalesce(headline_denominator, 0) != coalesce(breakdown_denominator, 0)
