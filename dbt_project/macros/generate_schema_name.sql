{#- Schema names are exact on every target (docs/specs/PRODUCT.md): `staging`, `marts`, … never `main_staging`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
