{#- Breakdowns: the same arithmetic as the headline formula shapes, grouped by a child attribute.
    Output: the formula columns plus dimension (sex | ethnicity_group | age_band) and dimension_value.
    Age bands are at the event date for events and at the period end for stocks. Only dimension values
    that occur get a row; the sums over a dimension's values equal the headline numerator and denominator. -#}

{% macro _dimension_rows(relation, date_expression) -%}
    {%- for dimension, expression in [
        ('sex', 'dims.sex_code'),
        ('ethnicity_group', 'dims.ethnicity_group'),
        ('age_band', age_band(age_at('dims.birth_date', date_expression))),
    ] %}
    select
        {{ relation }}.*,
        '{{ dimension }}' as dimension,
        coalesce({{ expression }}, 'Unknown') as dimension_value
    from {{ relation }}
    left join {{ ref('int_child_dimensions') }} as dims on {{ relation }}.child_key = dims.child_key
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{%- macro _breakdown_select(indicator_id, numerator, denominator) -%}
    select
        '{{ indicator_id }}' as indicator_id,
        periods.la_code,
        periods.period_type,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        sliced.dimension,
        sliced.dimension_value,
        cast({{ numerator }} as double precision) as numerator,
        cast({{ denominator }} as double precision) as denominator
{%- endmacro -%}

{% macro events_in_period_by_dimension(indicator_id, events, event_key, event_date, numerator_when=none, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

events as (

    select * from {{ events }}
    {% if where %}where {{ where }}{% endif %}

),

sliced as (

    {{ _dimension_rows('events', 'events.' ~ event_date) }}

),

aggregated as (

    {% if numerator_when -%}
    {{ _breakdown_select(indicator_id,
        'sum(case when ' ~ numerator_when | replace('events.', 'sliced.') ~ ' then 1 else 0 end)',
        'count(sliced.' ~ event_key ~ ')') }}
    {%- else -%}
    {{ _breakdown_select(indicator_id, 'count(sliced.' ~ event_key ~ ')', 'null') }}
    {%- endif %}
    from periods
    inner join sliced on {{ is_in_period('sliced.' ~ event_date) }}
    group by
        periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end,
        sliced.dimension, sliced.dimension_value

)

select * from aggregated
{% endmacro %}

{% macro children_open_at_period_end_by_dimension(indicator_id, records, start_date, end_date, where=none) %}
    {%- set open_records -%}
    (
        select distinct
            periods.la_code,
            periods.period_type,
            periods.period_label,
            periods.period_end,
            records.child_key
        from {{ ref('int_periods') }} as periods
        inner join {{ records }} as records
            on {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'periods.period_end') }}
        {% if where %}where {{ where }}{% endif %}
    ) as open_records
    {%- endset -%}
    {{ children_in_period_rows_by_dimension(indicator_id, open_records) }}
{% endmacro %}

{#- Rows of a per-period child-level model (grain LA x period x child), counted by dimension. -#}
{% macro children_in_period_rows_by_dimension(indicator_id, rows, where=none) %}
with

periods as (

    select * from {{ ref('int_periods') }}

),

rows_in_scope as (

    select * from {{ rows }}
    {% if where %}where {{ where }}{% endif %}

),

sliced as (

    {{ _dimension_rows('rows_in_scope', 'rows_in_scope.period_end') }}

),

aggregated as (

    {{ _breakdown_select(indicator_id, 'count(distinct sliced.child_key)', 'null') }}
    from periods
    inner join sliced
        on
            periods.la_code = sliced.la_code
            and periods.period_type = sliced.period_type
            and periods.period_label = sliced.period_label
    group by
        periods.la_code, periods.period_type, periods.period_label, periods.period_start, periods.period_end,
        sliced.dimension, sliced.dimension_value

)

select * from aggregated
{% endmacro %}
