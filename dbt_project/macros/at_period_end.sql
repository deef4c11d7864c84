{#- "The latest record at the period end D": for each child of `children` (by default int_cla_at_period_end, the
    children looked after at D; or any relation or CTE at the grain LA x period x child with period_end), of the
    child's `records` open at D (start_date <= D and, with end_date, end null or > D; without end_date, every
    record dated on or before D), the one with the latest start_date (ties: the highest record_key, if given).
    Returns every row of `children` plus `columns` ({output name: record column}) of that record, null where
    the child has none. `where` narrows the records (e.g. visits at which the child was seen); it may use
    `records` and `looked_after`, the child's row of `children`. -#}
{% macro latest_record_at_period_end(records, record_key, start_date, columns, end_date=none, where=none, children=none) %}
    {%- set children = children or ref('int_cla_at_period_end') -%}
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
    ) as latest_records
        on
            {{ is_same_child_and_period('looked_after', 'latest_records') }}
            and latest_records.record_rank = 1
{% endmacro %}

{#- The join of two relations at the grain LA x period x child (int_cla_at_period_end and what hangs off it). -#}
{% macro is_same_child_and_period(left, right) -%}
    (
        {{ left }}.la_code = {{ right }}.la_code
        and {{ left }}.period_type = {{ right }}.period_type
        and {{ left }}.period_label = {{ right }}.period_label
        and {{ left }}.child_key = {{ right }}.child_key
    )
{%- endmacro %}
