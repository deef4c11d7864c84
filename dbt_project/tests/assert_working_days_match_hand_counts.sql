-- Working days on the real calendar (bank holidays from the `holidays` library) against hand counts
-- (docs/specs/INDICATORS.md: days d with A < d <= B, Monday-Friday, not an England and Wales bank holiday).
-- Returns the cases that disagree; none is a pass.

with

cases as (

    select cast('2024-04-03' as date) as from_date, cast('2024-06-07' as date) as to_date, 45 as expected
    union all select cast('2024-04-03' as date), cast('2024-06-10' as date), 46  -- May Day + Spring bank holiday inside
    union all select cast('2024-12-24' as date), cast('2024-12-27' as date), 1  -- Christmas and Boxing Day
    union all select cast('2025-04-17' as date), cast('2025-04-22' as date), 1  -- Good Friday to Easter Monday
    union all select cast('2025-01-03' as date), cast('2025-01-06' as date), 1  -- Friday to Monday
    union all select cast('2025-01-06' as date), cast('2025-01-06' as date), 0  -- same day
    union all select cast('2024-05-20' as date), cast('2024-06-11' as date), 15  -- S47 start to ICPC, Spring bank holiday

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

counted as (

    select
        cases.from_date,
        cases.to_date,
        cases.expected,
        to_day.working_day_number - from_day.working_day_number as actual
    from cases
    left join calendar as from_day on cases.from_date = from_day.calendar_date
    left join calendar as to_day on cases.to_date = to_day.calendar_date

)

select * from counted
where actual is null or actual != expected
