{#- Pseudonymous child key: HMAC-SHA256 of LA code and person id, computed at ingest (raw._child_keys) with the
    authority's own secret. Staging swaps the case-system id for this key; nothing downstream sees the id. The key
    is the one of the row's own authority (its `_la_code`, the folder the file arrived in). The columns are
    qualified with the staging model's `source` CTE (an unqualified `person_id` would bind to the keys table's
    own). -#}
{% macro child_key(person_id_column, relation='source') -%}
    {%- set column = person_id_column if '.' in person_id_column else relation ~ '.' ~ person_id_column -%}
    {%- set la_column = column.rsplit('.', 1)[0] ~ '._la_code' -%}
    (
        select keys.child_key
        from {{ source('pseudonymisation', 'child_keys') }} as keys
        where keys.la_code = {{ la_column }} and keys.person_id = {{ column }}
    )
{%- endmacro %}
