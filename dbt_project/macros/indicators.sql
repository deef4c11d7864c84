{#- The shapes every indicator formula takes. Each returns the formula output of STYLE.md:
    indicator_id, la_code, period_type, period_label, period_start, period_end, numerator, denominator.
    Every LA x period of int_periods gets a row, with zero counts where nothing happened. -#}

{%- macro _indicator_select(indicator_id, numerator, denominator) -%}
    select
        '{{ indicator_id }}' as indicator_id,
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        cast({{ numerator }} as double precision) as numerator,
        cast({{ denominator }} as double precision) as denominator
{%- endmacro -%}

{#- Events dated in the period. Without numerator_when: a count (denominator null). With it: of the events
    in the period (the denominator), those meeting numerator_when (the numerator). -#}
{% macro events_in_period(indicator_id, events, event_key, event_date, numerator_when=none, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

events as (

    select * from {{ events }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {% if numerator_when -%}
    {{ _indicator_select(indicator_id,
        'sum(case when events.' ~ event_key ~ ' is not null and (' ~ numerator_when ~ ') then 1 else 0 end)',
        'count(events.' ~ event_key ~ ')') }}
    {%- else -%}
    {{ _indicator_select(indicator_id, 'count(events.' ~ event_key ~ ')', 'null') }}
    {%- endif %}
    from periods
    left join events on {{ is_in_period('events.' ~ event_date) }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}

{#- Children with a record open at the period end D (start <= D, end null or > D): distinct children. -#}
{% macro children_open_at_period_end(indicator_id, records, start_date, end_date, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

records as (

    select * from {{ records }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {{ _indicator_select(indicator_id, 'count(distinct records.child_key)', 'null') }}
    from periods
    left join records on {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end') }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}

{#- Rows of a per-period child-level model (grain LA x period x child), counted or as a percentage. -#}
{% macro children_in_period_rows(indicator_id, rows, numerator_when=none, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

rows_in_scope as (

    select * from {{ rows }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {% if numerator_when -%}
    {{ _indicator_select(indicator_id,
        'count(distinct case when ' ~ numerator_when ~ ' then rows_in_scope.child_key end)',
        'count(distinct rows_in_scope.child_key)') }}
    {%- else -%}
    {{ _indicator_select(indicator_id, 'count(distinct rows_in_scope.child_key)', 'null') }}
    {%- endif %}
    from periods
    left join rows_in_scope
        on periods.la_code = rows_in_scope.la_code
        and periods.period_type = rows_in_scope.period_type
        and periods.period_label = rows_in_scope.period_label
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}

{#- Rate per 10,000 of a count indicator: numerator = the count, denominator = the period's 0-17 population. -#}
{% macro rate_per_10k(indicator_id, count_model) %}
with

counts as (

    select * from {{ ref(count_model) }}

),

populations as (

    select * from {{ ref('int_period_populations') }}

),

rated as (

    select
        '{{ indicator_id }}' as indicator_id,
        counts.la_code,
        counts.period_type,
        counts.period_label,
        counts.period_start,
        counts.period_end,
        counts.numerator,
        cast(populations.population_0_17 as double precision) as denominator
    from counts
    left join populations
        on counts.la_code = populations.la_code
        and counts.period_type = populations.period_type
        and counts.period_label = populations.period_label

)

select * from rated
{% endmacro %}

{#- value from numerator and denominator by the catalogue unit (INDICATORS.md: percent 0-100, rate per
    10,000, averages = sum / n, counts = numerator; denominator 0 -> null). Stored unrounded. -#}
{% macro indicator_value(unit, numerator, denominator) -%}
    case
        when {{ unit }} = 'count' then {{ numerator }}
        when {{ unit }} = 'percent' then 100.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        when {{ unit }} = 'rate' then 10000.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        else {{ numerator }} / nullif({{ denominator }}, 0)
    end
{%- endmacro %}

{#- Mean of a per-event value over the events dated in the period: numerator = sum, denominator = n
    (events whose value is null are left out of both; no events -> 0 / 0, so the value is null). -#}
{% macro mean_of_events_in_period(indicator_id, events, event_date, value_expression, where=none) %}
    {{- aggregates_of_events_in_period(
        indicator_id, events, event_date,
        numerator='sum(' ~ value_expression ~ ')', denominator='count(' ~ value_expression ~ ')', where=where,
    ) -}}
{% endmacro %}

{#- Records open at the period end D, counted as records (not children), or as a percentage of them. -#}
{% macro records_open_at_period_end(indicator_id, records, record_key, start_date, end_date, numerator_when=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

records as (

    select * from {{ records }}

),

aggregated as (

    {% if numerator_when -%}
    {{ _indicator_select(indicator_id,
        'sum(case when records.' ~ record_key ~ ' is not null and (' ~ numerator_when ~ ') then 1 else 0 end)',
        'count(records.' ~ record_key ~ ')') }}
    {%- else -%}
    {{ _indicator_select(indicator_id, 'count(records.' ~ record_key ~ ')', 'null') }}
    {%- endif %}
    from periods
    left join records on {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end') }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}
