{#- "The latest record at the period end D": for each child of `children` (by default int_cla_at_period_end, the
    children looked after at D; or any relation or CTE at the grain LA x period x child with period_end), of the
    child's `records` open at D (start_date <= D and, with end_date, end null or > D; without end_date, every
    record dated on or before D), the one with the latest start_date (ties: the highest record_key, if given).
    Returns every row of `children` plus `columns` ({output name: record column}) of that record, null where
    the child has none. `where` narrows the records (e.g. visits at which the child was seen); with end_date or
    without record_key it may also use `looked_after`, the child's row of `children`. `after`, an expression of
    `looked_after`, keeps the latest record only if its start_date is later (an SDQ in the 12 months to D).

    Without end_date and with record_key, the record open at D is the one dated on or before D whose next newer
    record (`newer_record_date`) is dated after D or does not exist: one equi-join on the child, no ranking of
    every (child, period, record) pair. int_cla_visits_at_period_end ranked 6 million pairs (region, 7.8 million
    rows): 13.9 s, now 0.7 s. A record open at D under an end_date may be older than a newer closed one, so that
    case still ranks the pairs. -#}
{% macro latest_record_at_period_end(
    records, record_key, start_date, columns, end_date=none, where=none, children=none, after=none
) %}
    {%- set children = children or ref('int_cla_at_period_end') -%}
    {%- if end_date is none and record_key -%}
    with looked_after as (select * from {{ children }}),

    dated_records as (
        select
            records.*,
            {{ newer_record_date('records', start_date, record_key) }} as newer_record_date
        from {{ records }} as records
        where records.{{ start_date }} is not null{% if where %} and ({{ where }}){% endif %}
    )

    select
        looked_after.*,
        {%- for name, column in columns.items() %}
        records.{{ column }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from looked_after
    left join dated_records as records
        on
            looked_after.la_code = records.la_code
            and looked_after.child_key = records.child_key
            and {{ is_latest_at('records', start_date, 'looked_after.period_end') }}
            {% if after %}and {{ after }} < records.{{ start_date }}{% endif %}
    {%- else -%}
    {#- read once: the children are both the rows returned and the ones whose records are ranked -#}
    with looked_after as (select * from {{ children }})

    select
        looked_after.*,
        {%- for name in columns %}
        latest_records.{{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from looked_after
    left join (
        select
            looked_after.la_code,
            looked_after.period_type,
            looked_after.period_label,
            looked_after.child_key,
            {%- for name, column in columns.items() %}
            records.{{ column }} as {{ name }},
            {%- endfor %}
            row_number() over (
                partition by
                    looked_after.la_code, looked_after.period_type, looked_after.period_label, looked_after.child_key
                order by records.{{ start_date }} desc{% if record_key %}, records.{{ record_key }} desc{% endif %}
            ) as record_rank
        from looked_after
        inner join {{ records }} as records
            on
                looked_after.la_code = records.la_code
                and looked_after.child_key = records.child_key
                and {% if end_date -%}
                    {{ is_open_at('records.' ~ start_date, 'records.' ~ end_date, 'looked_after.period_end') }}
                {%- else -%}
                    records.{{ start_date }} <= looked_after.period_end
                {%- endif %}
                {% if where %}and ({{ where }}){% endif %}
                {% if after %}and {{ after }} < records.{{ start_date }}{% endif %}
    ) as latest_records
        on
            {{ is_same_child_and_period('looked_after', 'latest_records') }}
            and latest_records.record_rank = 1
    {%- endif %}
{% endmacro %}

{#- The start date of the record that beats this one as "the latest" (the next newer one: latest start date, ties
    the highest record_key) among the same child's records, null for the newest: with `is_latest_at`, the latest
    record at a date without ranking every (date, record) pair. Records with a null start date must be left out
    (they are never on or before a date). The order is that of a row_number() ranking "latest first", so ties
    and nulls of record_key fall as they would there on each engine. -#}
{% macro newer_record_date(relation, start_date, record_key, partition_by=['la_code', 'child_key']) -%}
    lag({{ relation }}.{{ start_date }}) over (
        partition by {% for column in partition_by %}{{ relation }}.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
        order by {{ relation }}.{{ start_date }} desc, {{ relation }}.{{ record_key }} desc
    )
{%- endmacro %}

{#- The record is the latest on or before `at_date`: dated on or before it, and its next newer record after it. -#}
{% macro is_latest_at(relation, start_date, at_date) -%}
    ({{ relation }}.{{ start_date }} <= {{ at_date }}
    and ({{ relation }}.newer_record_date is null or {{ relation }}.newer_record_date > {{ at_date }}))
{%- endmacro %}

{#- The join of two relations at the grain LA x period x child (int_cla_at_period_end and what hangs off it). -#}
{% macro is_same_child_and_period(left, right) -%}
    (
        {{ left }}.la_code = {{ right }}.la_code
        and {{ left }}.period_type = {{ right }}.period_type
        and {{ left }}.period_label = {{ right }}.period_label
        and {{ left }}.child_key = {{ right }}.child_key
    )
{%- endmacro %}
