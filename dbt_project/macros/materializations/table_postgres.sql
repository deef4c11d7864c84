{#
    The `table` materialization on Postgres: dbt's own (`materialization_table_default`: the new table built beside
    the old, then renamed into place), except in an incremental build of named authorities, where a table whose
    rows are each authority's own has only those authorities' rows replaced, deleted and inserted in the model's
    transaction (authority_rows.sql): a reader sees the old rows or the new, never a half. Hooks run where dbt's
    materialization runs them. tests/server/test_refresh_postgres.py builds a small project with it.
#}
{% materialization table, adapter="postgres", supported_languages=["sql"] %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set columns = authority_rows_columns(existing_relation) -%}
    {%- if columns is none -%}
        {{ return(materialization_table_default()) }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type="table") -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    -- `BEGIN` happens here
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ replace_authority_rows(target_relation, columns, compiled_code) }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}
