{#- Current snapshot of a raw table: the rows of its newest loaded file (snapshot and replace feeds), read
    from raw._loads too, so a header-only snapshot is current and empties the object. The loader's
    `current_batch_sql` (ingest/core/load.py) is the same SQL. A relation for a FROM clause (aliased:
    Postgres 15 requires it). -#}
{% macro current_batch(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    (
        select *
        from {{ relation }}
        where _batch_id = (
            select max(batch_id)
            from (
                select max(_batch_id) as batch_id from {{ relation }}
                union all
                select max(batch_id) from {{ source('loads', 'loads') }}
                where table_name = '{{ relation.identifier }}' and outcome = 'loaded'
            ) as batches
        )
    ) as current_batch_rows
{%- endmacro %}

{#- Pseudonymous child key: HMAC-SHA256 of LA code and person id, computed at ingest (raw._child_keys).
    Staging swaps the case-system id for this key; nothing downstream sees the id. The column is qualified
    with the staging model's `source` CTE (an unqualified `person_id` would bind to the keys table's own). -#}
{% macro child_key(person_id_column, relation='source') -%}
    {%- set column = person_id_column if '.' in person_id_column else relation ~ '.' ~ person_id_column -%}
    (
        select keys.child_key
        from {{ source('pseudonymisation', 'child_keys') }} as keys
        where keys.la_code = '{{ var("la_code") }}' and keys.person_id = {{ column }}
    )
{%- endmacro %}
