{#- Current rows of an incremental raw table: per key, the row of the newest batch (then the last row of that
    file). Feeds that restate a row in a later file (health, education, partners, workforce, benchmarks) read
    through this; portable row_number() so it needs no dispatch; the subquery is aliased (Postgres requires it). -#}
{% macro latest_per_key(source_name, table_name, key_columns) -%}
    (
        select ranked.*
        from (
            select
                keyed.*,
                row_number() over (
                    partition by {% for column in key_columns %}keyed.{{ column }}{{ ", " if not loop.last }}{% endfor %}
                    order by keyed._batch_id desc, keyed._row_number desc
                ) as key_rank
            from {{ source(source_name, table_name) }} as keyed
        ) as ranked
        where ranked.key_rank = 1
    ) as latest_per_key
{%- endmacro %}
