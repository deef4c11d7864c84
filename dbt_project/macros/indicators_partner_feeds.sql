{#- Formula shapes the health, education, workforce and partner indicators need beyond macros/indicators.sql.
    Same output (indicator_id, la_code, period_type, period_label, period_start, period_end, numerator,
    denominator) and the same rule: every LA x period of int_periods gets a row, 0 / 0 when nothing happened. -#}

{#- Aggregates of the events dated in the period: numerator and denominator are aggregate expressions over
    `events` (e.g. sum(events.attended_sessions) / sum(events.possible_sessions)); no events -> 0 / 0. -#}
{% macro aggregates_of_events_in_period(indicator_id, events, event_date, numerator, denominator, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

events as (

    select * from {{ events }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {{ _indicator_select(indicator_id, 'coalesce(' ~ numerator ~ ', 0)', 'coalesce(' ~ denominator ~ ', 0)') }}
    from periods
    left join events on {{ is_in_period('events.' ~ event_date) }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}

{#- Mean of a per-child value over the rows of a per-period child-level model (grain LA x period x child):
    numerator = sum, denominator = children with a value (null values are left out of both). -#}
{% macro mean_of_period_rows(indicator_id, rows, value_expression, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

rows_in_scope as (

    select * from {{ rows }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {{ _indicator_select(indicator_id, 'coalesce(sum(' ~ value_expression ~ '), 0)', 'count(' ~ value_expression ~ ')') }}
    from periods
    left join rows_in_scope
        on periods.la_code = rows_in_scope.la_code
        and periods.period_type = rows_in_scope.period_type
        and periods.period_label = rows_in_scope.period_label
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}

{#- The latest snapshot dated in the period (one row per snapshot date): numerator and denominator are that
    snapshot's columns (`snapshots.<column>`); no snapshot in the period -> 0 / 0. -#}
{% macro latest_snapshot_in_period(indicator_id, snapshots, snapshot_date, numerator, denominator) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

snapshots as (

    select * from {{ snapshots }}

),

latest_dates as (

    select
        periods.la_code,
        periods.period_type,
        periods.period_label,
        max(snapshots.{{ snapshot_date }}) as latest_snapshot_date
    from periods
    inner join snapshots on {{ is_in_period('snapshots.' ~ snapshot_date) }}
    group by periods.la_code, periods.period_type, periods.period_label

),

aggregated as (

    {{ _indicator_select(indicator_id, 'coalesce(' ~ numerator ~ ', 0)', 'coalesce(' ~ denominator ~ ', 0)') }}
    from periods
    left join latest_dates
        on periods.la_code = latest_dates.la_code
        and periods.period_type = latest_dates.period_type
        and periods.period_label = latest_dates.period_label
    left join snapshots on latest_dates.latest_snapshot_date = snapshots.{{ snapshot_date }}

)

select * from aggregated
{% endmacro %}

{#- Aggregates of the records open at the period end D (start <= D, end null or > D): numerator and
    denominator are aggregate expressions over `records`; nothing open -> 0 / 0. -#}
{% macro aggregates_of_records_open_at_period_end(indicator_id, records, start_date, end_date, numerator, denominator, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

records as (

    select * from {{ records }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {{ _indicator_select(indicator_id, 'coalesce(' ~ numerator ~ ', 0)', 'coalesce(' ~ denominator ~ ', 0)') }}
    from periods
    left join records on {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end') }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}
