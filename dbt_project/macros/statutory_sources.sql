{#- Statutory files as a case-system source (docs/statutory/sources.md).

    An authority not yet on the SSD loads its statutory returns instead: the SSDA903, the CIN census and Ofsted's
    Annex A. Each return has its own staging models, one per SSD object it can fill, shaped exactly like that
    object's SSD staging model (same columns, same order, same types). The SSD model ends with
    `with_statutory_sources('<its final CTE>', '<object>')`, which adds an authority's statutory rows only when no
    SSD extract was ever loaded for that authority (raw._loads.la_code): the SSD wins, for every object at once,
    authority by authority (a regional hub may hold SSD authorities and statutory-only ones).

    Where several returns fill one object, the list below is their precedence (SSDA903, then the CIN census, then
    Annex A: the fuller history first), child by child within the authority: a return adds a child's rows for the
    object only when no return before it in the list has any row for that child, so each child's referrals
    (episodes, plans ...) come from one return, never from two half-overlapping ones, and a child only one return
    knows is kept.

    To add a source: write `stg_<return>__<object>` models (the CIN census's are `stg_cin_census__ssd_<object>`, its
    own per-table models having those names) and list them here under their object, in precedence order. -#}
{% macro statutory_sources(object) -%}
    {%- set sources = {
        'persons': ['stg_ssda903__persons', 'stg_cin_census__ssd_persons'],
        'cla_episodes': ['stg_ssda903__cla_episodes'],
        'legal_statuses': ['stg_ssda903__legal_statuses'],
        'cla_placements': ['stg_ssda903__cla_placements'],
        'cla_reviews': ['stg_ssda903__cla_reviews'],
        'missing_episodes': ['stg_ssda903__missing_episodes'],
        'referrals': ['stg_cin_census__ssd_referrals'],
        'assessments': ['stg_cin_census__ssd_assessments'],
        'assessment_factors': ['stg_cin_census__ssd_assessment_factors'],
        'cin_plans': ['stg_cin_census__ssd_cin_plans'],
        's47_enquiries': ['stg_cin_census__ssd_s47_enquiries'],
        'initial_cp_conferences': ['stg_cin_census__ssd_initial_cp_conferences'],
        'cp_plans': ['stg_cin_census__ssd_cp_plans'],
        'cp_reviews': ['stg_cin_census__ssd_cp_reviews'],
        'disabilities': ['stg_cin_census__ssd_disabilities'],
    } -%}
    {#- Annex A, last for every object it fills (models/staging/annex_a/ssd). -#}
    {%- set annex_a = {
        'persons': ['stg_annex_a__ssd_persons'],
        'disabilities': ['stg_annex_a__ssd_disabilities'],
        'contacts': ['stg_annex_a__ssd_contacts'],
        'early_help_episodes': ['stg_annex_a__ssd_early_help_episodes'],
        'referrals': ['stg_annex_a__ssd_referrals'],
        'assessments': ['stg_annex_a__ssd_assessments'],
        's47_enquiries': ['stg_annex_a__ssd_s47_enquiries'],
        'initial_cp_conferences': ['stg_annex_a__ssd_initial_cp_conferences'],
        'cp_plans': ['stg_annex_a__ssd_cp_plans'],
        'cla_episodes': ['stg_annex_a__ssd_cla_episodes'],
        'legal_statuses': ['stg_annex_a__ssd_legal_statuses'],
        'cla_placements': ['stg_annex_a__ssd_cla_placements'],
        'care_leavers': ['stg_annex_a__ssd_care_leavers'],
        'permanence': ['stg_annex_a__ssd_permanence'],
    } -%}
    {{ return(sources.get(object, []) + annex_a.get(object, [])) }}
{%- endmacro %}

{% macro with_statutory_sources(ssd_rows, object) -%}
{%- set models = statutory_sources(object) -%}
select * from {{ ssd_rows }}
{%- for model in models %}

union all

select * from {{ ref(model) }} as statutory_rows
where not exists (
    select 1 from {{ source('loads', 'loads') }} as ssd_loads
    where
        ssd_loads.feed = 'case_system'
        and ssd_loads.outcome = 'loaded'
        and ssd_loads.la_code = statutory_rows.la_code
)
{%- for earlier in models[:loop.index0] %}
and not exists (
    select 1 from {{ ref(earlier) }} as earlier_rows
    where earlier_rows.la_code = statutory_rows.la_code and earlier_rows.child_key = statutory_rows.child_key
)
{%- endfor %}
{%- endfor %}
{%- endmacro %}
