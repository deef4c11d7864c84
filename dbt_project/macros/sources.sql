{#- Current snapshot of a raw table: the rows of its newest batch (snapshot and replace feeds). -#}
{% macro current_batch(source_name, table_name) -%}
    (
        select *
        from {{ source(source_name, table_name) }}
        where _batch_id = (select max(_batch_id) from {{ source(source_name, table_name) }})
    )
{%- endmacro %}

{#- Pseudonymous child key: HMAC-SHA256 of LA code and person id, computed at ingest (raw._child_keys).
    Staging swaps the case-system id for this key; nothing downstream sees the id. -#}
{% macro child_key(person_id_column) -%}
    (
        select keys.child_key
        from {{ source('pseudonymisation', 'child_keys') }} as keys
        where keys.la_code = '{{ var("la_code") }}' and keys.person_id = {{ person_id_column }}
    )
{%- endmacro %}
