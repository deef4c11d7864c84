{#- Annex A staging (models/staging/annex_a): the columns every child list (1-9) starts with, the Child Unique ID
    swapped for its child_key and the DfE codes upper-cased, as the SSD staging does. -#}
{% macro annex_a_child_columns() -%}
as_of_date,
        sheet_row,
        {{ child_key('person_id') }} as child_key,
        {{ to_code('gender') }} as sex_code,
        {{ to_code('ethnicity') }} as ethnicity_code,
        birth_date,
        age
{%- endmacro %}

{#- An Annex A yes/no answer as the loader stores it (`true` / `false`, from `a) Yes` / `b) No` / `Y` / `N`) as a
    boolean; blank stays null (unknown), unlike `to_flag`. -#}
{% macro annex_a_yes_no(column) -%}
    case {{ column }} when 'true' then true when 'false' then false end
{%- endmacro %}
