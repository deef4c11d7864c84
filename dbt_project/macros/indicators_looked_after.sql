{#- Formula shapes the looked-after, permanence and care-leaver indicators need beyond indicators.sql.
    Same output as every formula: indicator_id, la_code, period_type, period_label, period_start,
    period_end, numerator, denominator. -#}

{#- Average of a measure over the events dated in the period (INDICATORS.md: averages have numerator = sum,
    denominator = n). Events whose measure is null are left out of both; no events -> 0 / 0 (value null). -#}
{% macro events_average_in_period(indicator_id, events, event_key, event_date, measure, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

events as (

    select * from {{ events }}
    {% if where %}where {{ where }}{% endif %}

),

aggregated as (

    {{ _indicator_select(indicator_id,
        'coalesce(sum(case when events.' ~ event_key ~ ' is not null then ' ~ measure ~ ' end), 0)',
        'count(case when events.' ~ event_key ~ ' is not null then ' ~ measure ~ ' end)') }}
    from periods
    left join events on {{ is_in_period('events.' ~ event_date) }}
    group by periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end

)

select * from aggregated
{% endmacro %}
