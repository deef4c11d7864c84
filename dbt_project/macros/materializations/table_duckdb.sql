{#
    The `table` materialization on DuckDB, in one statement: `create or replace table <model> as (<sql>)` inside
    the model's transaction, then commit. dbt-duckdb's own builds `<model>__dbt_tmp`, renames the old table to
    `<model>__dbt_backup`, renames the new one into place, commits, then drops the backup on its own (autocommit):
    three statements and a commit more for each of the project's 216 tables. With this one the region's full build
    (LAS=12, 318 nodes) took 0.87x the wall time (30.8 s against 35.3 s, three pairs) and the same rows in every
    relation (docs/performance.md, "One statement per table").

    The same guarantees: DuckDB's DDL is transactional, so a model whose query fails leaves its table as the last
    build made it (the transaction rolls back), and a reader never sees a half-built table. A view in the
    table's place (a model that was a view) is dropped in the same transaction. Pre- and post-hooks run where
    dbt's materializations run them. An incremental build of named authorities replaces only their rows of a table
    whose rows are each authority's own, in the same transaction (authority_rows.sql). Postgres keeps dbt's own
    materialization for everything else (table_postgres.sql; this one is `adapter="duckdb"`). Not supported here,
    and unused by this project: model contracts, persist_docs, grants, indexes, partitioning and Python models; a
    model that sets one of them is refused, not built without it.
    tests/test_table_materialization.py builds a small project with it.
#}
{% materialization table, adapter="duckdb", supported_languages=["sql"] %}
    {%- for setting in ("contract", "persist_docs", "grants", "indexes", "partitioned_by", "sorted_by") -%}
        {%- set value = config.get(setting) -%}
        {%- if value and (setting != "contract" or value.enforced) -%}
            {{ exceptions.raise_compiler_error(
                "model " ~ model.name ~ " sets " ~ setting ~ ", which this project's DuckDB table "
                ~ "materialization (macros/materializations/table_duckdb.sql) does not apply") }}
        {%- endif -%}
    {%- endfor -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type="table") -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    -- `BEGIN` happens here
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- a view where the table goes: dropped inside the model's transaction (dbt's `drop_relation` runs outside
        one, committing the drop even when the query below fails) -#}
    {%- if existing_relation is not none and not existing_relation.is_table -%}
        {% call statement("drop_replaced") -%}
            drop {{ existing_relation.type }} if exists {{ existing_relation }} cascade
        {%- endcall %}
        {% do adapter.cache_dropped(existing_relation) %}
    {%- endif -%}

    {%- set columns = authority_rows_columns(existing_relation) -%}
    {%- if columns is not none -%}
        {#- an incremental build of named authorities: only their rows replaced (authority_rows.sql) -#}
        {{ replace_authority_rows(target_relation, columns, compiled_code) }}
    {%- else -%}
    {% call statement("main") -%}
        {{ config.get("sql_header") or "" }}
        create or replace table {{ target_relation }} as (
            {{ compiled_code }}
        );
    {%- endcall %}
    {%- endif %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}
