-- grain: one row per indicator x LA x period x dimension x dimension value: every breakdown formula, unioned.

{%- set breakdowns = [
    'brk_ref_count',
    'brk_reref_12m_pct',
    'brk_asmt_45wd_pct',
    'brk_cin_count',
    'brk_cpp_count',
    'brk_cla_count',
] %}

with

breakdown_rows as (

    {% for breakdown in breakdowns %}
        select * from {{ ref(breakdown) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from breakdown_rows
