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
