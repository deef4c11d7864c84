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
    'ind_cla_starts',
    'ind_cla_ceased',
    'ind_cla_uasc_count',
    'ind_cla_s20_pct',
    'ind_cla_3plus_pct',
    'ind_cla_lts_pct',
    'ind_cla_20miles_pct',
    'ind_cla_foster_pct',
    'ind_cla_resi_pct',
    'ind_cla_visit_6w_pct',
    'ind_cla_review_ts_pct',
    'ind_cla_participation_pct',
    'ind_cla_missing_pct',
    'ind_missing_episodes',
    'ind_rhi_offered_pct',
    'ind_rhi_accepted_pct',
    'ind_adopt_count',
    'ind_adopt_a1_days',
    'ind_adopt_a2_days',
    'ind_sgo_count',
    'ind_cl_intouch_pct',
    'ind_cl_eet_pct',
    'ind_cl_eet_17_18_pct',
    'ind_cl_eet_19_21_pct',
    'ind_cl_accom_suitable_pct',
    'ind_cl_pathway_ts_pct',
    'ind_hlth_iha_20wd_pct',
    'ind_hlth_rha_pct',
    'ind_hlth_dental_pct',
    'ind_hlth_imms_pct',
    'ind_sdq_completed_pct',
    'ind_sdq_avg',
    'ind_vs_attendance_pct',
    'ind_vs_attendance_primary_pct',
    'ind_vs_attendance_secondary_pct',
    'ind_vs_persistent_absence_pct',
    'ind_vs_pep_current_pct',
    'ind_vs_suspension_pct',
    'ind_wf_vacancy_pct',
    'ind_wf_agency_pct',
    'ind_wf_turnover_pct',
    'ind_wf_caseload_avg',
    'ind_fgc_held',
    'ind_fgc_plan_agreed_pct',
] %}

with

formula_rows as (

    {% for formula in formulas %}
        select * from {{ ref(formula) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from formula_rows
