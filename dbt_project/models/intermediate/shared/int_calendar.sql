{{ config(materialized='table') }}
-- grain: one row per calendar date. working_day_number counts working days (Mon-Fri, not an England
-- and Wales bank holiday) up to and including the date, so working days from A to B = number(B) - number(A).

with

bank_holidays as (

    select distinct holiday_date from {{ source('calendar', 'bank_holidays') }}

),

holiday_range as (

    select
        min(holiday_date) as first_holiday,
        max(holiday_date) as last_holiday
    from bank_holidays

),

bounds as (

    select
        {% if var('calendar_start') -%}
            cast('{{ var("calendar_start") }}' as date)
        {%- else -%}
            cast({{ dbt.date_trunc('year', 'first_holiday') }} as date)
        {%- endif %} as first_date,
        {% if var('calendar_end') -%}
            cast('{{ var("calendar_end") }}' as date)
        {%- else -%}
            cast({{ dbt.last_day('last_holiday', 'year') }} as date)
        {%- endif %} as last_date
    from holiday_range

),

numbers as (

    {{ dbt.generate_series(25000) }}

),

days as (

    select {{ add_days('bounds.first_date', 'numbers.generated_number - 1') }} as calendar_date
    from bounds
    cross join numbers
    where numbers.generated_number - 1 <= {{ dbt.datediff('bounds.first_date', 'bounds.last_date', 'day') }}

),

flagged as (

    select
        days.calendar_date,
        (extract(isodow from days.calendar_date) <= 5 and bank_holidays.holiday_date is null) as is_working_day
    from days
    left join bank_holidays on days.calendar_date = bank_holidays.holiday_date

),

numbered as (

    select
        calendar_date,
        is_working_day,
        sum(case when is_working_day then 1 else 0 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as working_day_number
    from flagged

)

select * from numbered
