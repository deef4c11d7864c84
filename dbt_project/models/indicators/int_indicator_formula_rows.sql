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
    'ind_cont_count',
    'ind_eh_starts',
    'ind_eh_progress_pct',
    'ind_ref_nfa_pct',
    'ind_asmt_count',
    'ind_asmt_rate',
    'ind_asmt_avg_wd',
    'ind_asmt_nfa_pct',
    'ind_s47_count',
    'ind_s47_rate',
    'ind_s47_to_icpc_pct',
    'ind_cpp_starts',
    'ind_cpp_second_pct',
    'ind_cpp_second_2y_pct',
    'ind_cpp_ended_2y_pct',
    'ind_cpp_visit_10wd_pct',
    'ind_cpp_review_ts_pct',
    'ind_cpp_neglect_pct',
    'ind_cin_count',
    'ind_cin_rate',
    'ind_cinp_count',
] %}

with

formula_rows as (

    {% for formula in formulas %}
        select * from {{ ref(formula) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from formula_rows
