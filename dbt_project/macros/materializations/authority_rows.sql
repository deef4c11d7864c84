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
    reads one (tests/test_dbt_layout.py checks it), and is rebuilt whole, as is a table not built yet and any table
    when the build names no authority or `--full-refresh` is asked. A model that says its rows are each authority's
    own but has no `la_code` is refused by name (tests/integration/test_hub_equals_alone.py finds one on the built
    hub first).
#}

{#- The authorities whose rows this build replaces: [] for every row. -#}
{% macro build_authorities() -%}
    {%- set named = env_var("CSW_BUILD_AUTHORITIES", "") -%}
    {{- return(named.split(",") | map("trim") | reject("equalto", "") | list) -}}
{%- endmacro %}


{#- The columns of `existing_relation` in order when this model, as built now, replaces only the build's authorities'
    rows of it (above); none when it is rebuilt whole: no authority named, no table yet, `--full-refresh`, or a
    model that does not say its rows are each authority's own (or enforces a contract, which only dbt's own
    materialization applies). A model that says so but whose table has no `la_code` is refused by name: rebuilt
    whole, a model reading it would keep rows made from its old ones. -#}
{% macro authority_rows_columns(existing_relation) -%}
    {%- set contract = config.get("contract") -%}
    {%- if not build_authorities() or existing_relation is none or not existing_relation.is_table
          or should_full_refresh() or not config.meta_get("authority_local", false)
          or (contract and contract.enforced) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(existing_relation) -%}
    {%- if "la_code" not in (columns | map(attribute="name") | map("lower") | list) -%}
        {{ exceptions.raise_compiler_error(
            "model " ~ model.name ~ " says its rows are each authority's own (meta authority_local), but its table "
            ~ existing_relation ~ " has no la_code column: give it la_code, or say authority_local: false") }}
    {%- endif -%}
    {{- return(columns) -}}
{%- endmacro %}


{#- In the model's transaction: the build's authorities' rows deleted, then the model's rows of those authorities
    inserted, column by column in the table's order. Rows without an authority (la_code null: none today) are
    replaced with them, so that they too are as a full build makes them; such rows must not feed any authority's
    rows of another model (that authority's rows would keep what they made of the old ones). -#}
{% macro replace_authority_rows(target_relation, columns, compiled_code) -%}
    {%- set named = [] -%}
    {%- for la_code in build_authorities() -%}
        {%- do named.append("'" ~ la_code | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- set replaced = "la_code in (" ~ named | join(", ") ~ ") or la_code is null" -%}  {#- the rows both take -#}
    {%- set quoted = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {% call statement("delete_authorities") -%}
        delete from {{ target_relation }} where {{ replaced }}
    {%- endcall %}
    {% call statement("main") -%}
        {{ config.get("sql_header") or "" }}
        insert into {{ target_relation }} ({{ quoted | join(", ") }})
        select {{ quoted | join(", ") }}
        from (
            {{ compiled_code }}
        ) as rebuilt
        where {{ replaced }}
    {%- endcall %}
{%- endmacro %}
