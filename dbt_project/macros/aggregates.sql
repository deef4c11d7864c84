{#- The median of a column in a group. DuckDB has median(); Postgres only the ordered-set aggregate
    percentile_cont(0.5) within group (order by …), which is also the SQL standard's spelling (default). -#}
{% macro median(column) -%}
    {{ return(adapter.dispatch('median', 'csw')(column)) }}
{%- endmacro %}

{% macro default__median(column) -%}
    percentile_cont(0.5) within group (order by {{ column }})
{%- endmacro %}

{% macro duckdb__median(column) -%}
    median({{ column }})
{%- endmacro %}
