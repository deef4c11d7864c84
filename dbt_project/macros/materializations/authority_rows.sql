{#
    An incremental build's authorities (issue 17 point 3, csw/refresh.py): when a day's files are all of named
    authorities' own feeds, the build replaces only those authorities' rows of each table whose rows are each
    authority's own, and keeps every other authority's rows as the last build made them.

    The authorities come from the environment, CSW_BUILD_AUTHORITIES (comma-separated; empty: every row), which
    `BuildPlan.dbt_env` sets for the build and `csw.dbt.dbt_env` empties for every other dbt call. dbt reads it here,
    while a model runs, not while it parses the project: a day's authorities do not make dbt parse again.

    A model's rows are its authority's own when it says so (`meta: authority_local: true`, the project's default in
    dbt_project.yml): each row of authority X is made from rows of authority X only, and carries `la_code`. A model
    that compares authorities (benchmarks, the scorecard) says `authority_local: false`, as must every model that
    reads one (tests/test_dbt_layout.py checks it), and is rebuilt whole. So is a table without `la_code`, a table
    not built yet, and any table when the build names no authority.
#}

{#- The authorities whose rows this build replaces: [] for every row. -#}
{% macro build_authorities() -%}
    {%- set named = env_var("CSW_BUILD_AUTHORITIES", "") -%}
    {{- return(named.split(",") | map("trim") | reject("equalto", "") | list) -}}
{%- endmacro %}


{#- The columns of `existing_relation` in order when this model, as built now, replaces only the build's authorities'
    rows of it (above); none when it is rebuilt whole. -#}
{% macro authority_rows_columns(existing_relation) -%}
    {%- if not build_authorities() or existing_relation is none or not existing_relation.is_table
          or not config.meta_get("authority_local", false) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(existing_relation) -%}
    {{- return(columns if "la_code" in (columns | map(attribute="name") | map("lower") | list) else none) -}}
{%- endmacro %}


{#- In the model's transaction: the build's authorities' rows deleted, then the model's rows of those authorities
    inserted, column by column in the table's order. -#}
{% macro replace_authority_rows(target_relation, columns, compiled_code) -%}
    {%- set named = [] -%}
    {%- for la_code in build_authorities() -%}
        {%- do named.append("'" ~ la_code | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set quoted = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {% call statement("delete_authorities") -%}
        delete from {{ target_relation }} where la_code in ({{ named | join(", ") }})
    {%- endcall %}
    {% call statement("main") -%}
        {{ config.get("sql_header") or "" }}
        insert into {{ target_relation }} ({{ quoted | join(", ") }})
        select {{ quoted | join(", ") }}
        from (
            {{ compiled_code }}
        ) as rebuilt
        where la_code in ({{ named | join(", ") }})
    {%- endcall %}
{%- endmacro %}
