-- grain: one row per indicator x LA x period: every formula's output, unioned. One entry per catalogue
-- id (tests/test_catalogue.py checks that this list, the catalogue, the formula files and the unit tests agree).

{%- set formulas = [
    'ind_ref_count',
    'ind_ref_rate',
    'ind_reref_12m_pct',
    'ind_asmt_45wd_pct',
    'ind_icpc_15wd_pct',
    'ind_cpp_count',
    'ind_cpp_rate',
    'ind_cla_count',
    'ind_cla_rate',
] %}

with

formula_rows as (

    {% for formula in formulas %}
        select * from {{ ref(formula) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from formula_rows
