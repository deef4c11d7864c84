{#- Flags arrive as Y/N, 1/0, true/false (docs/specs/FEEDS.md): Y/1/true are yes, anything else is no. -#}
{% macro to_flag(column) -%}
    coalesce(upper(trim({{ column }})) in ('Y', 'YES', '1', 'TRUE', 'T'), false)
{%- endmacro %}

{#- Codes: trimmed and upper-cased once, in staging. -#}
{% macro to_code(column) -%}
    nullif(upper(trim({{ column }})), '')
{%- endmacro %}
