"""Contract of the case_system feed (docs/specs/FEEDS.md): every SSD object, column names exactly the SSD's.

Each load of a file is a full snapshot of that object: the newest batch is the current one, earlier
batches stay in the raw table for audit (`_batch_id`).
"""

from __future__ import annotations

from ingest.core import codes
from ingest.core.contract import FeedContract, TableContract, parse_columns

# object: (key, columns spec, not-null columns besides the key, code lists)
# Types: id, string, code, flag, date, int, decimal, json_list; `?` marks an optional column.
_OBJECTS: dict[str, tuple[str, str, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "ssd_person": (
        "pers_person_id",
        "pers_person_id:id, pers_sex:code, pers_dob:date, pers_ethnicity:code, pers_expected_dob?:date, "
        "pers_death_date?:date, pers_upn_unknown?:string, pers_common_child_id?:string",
        (),  # pers_dob may be blank for an unborn child with pers_expected_dob (a check, not the loader)
        {"pers_sex": codes.SEX, "pers_ethnicity": codes.ETHNICITY},
    ),
    "ssd_contacts": (
        "cont_contact_id",
        "cont_contact_id:id, cont_person_id:id, cont_contact_date:date, cont_contact_source_code:code, "
        "cont_contact_outcome_json?:json_list",
        ("cont_person_id", "cont_contact_date"),
        {"cont_contact_source_code": codes.REFERRAL_SOURCE},
    ),
    "ssd_early_help_episodes": (
        "earl_episode_id",
        "earl_episode_id:id, earl_person_id:id, earl_episode_start_date:date, earl_episode_end_date:date, "
        "earl_episode_reason?:code, earl_episode_end_reason:code, earl_episode_organisation?:string",
        ("earl_person_id", "earl_episode_start_date"),
        {},
    ),
    "ssd_cin_episodes": (
        "cine_referral_id",
        "cine_referral_id:id, cine_person_id:id, cine_referral_date:date, cine_cin_primary_need_code:code, "
        "cine_referral_source_code:code, cine_referral_nfa:flag, cine_close_reason:code, cine_close_date:date",
        ("cine_person_id", "cine_referral_date"),
        {"cine_cin_primary_need_code": codes.PRIMARY_NEED, "cine_referral_source_code": codes.REFERRAL_SOURCE},
    ),
    "ssd_cin_assessments": (
        "cina_assessment_id",
        "cina_assessment_id:id, cina_person_id:id, cina_referral_id:id, cina_assessment_start_date:date, "
        "cina_assessment_auth_date:date, cina_assessment_outcome_nfa:flag, cina_assessment_child_seen?:flag",
        ("cina_person_id", "cina_assessment_start_date"),
        {},
    ),
    "ssd_assessment_factors": (
        "cinf_table_id",
        "cinf_table_id:id, cinf_assessment_id:id, cinf_assessment_factors_json:json_list",
        (),
        {},
    ),
    "ssd_cin_plans": (
        "cinp_cin_plan_id",
        "cinp_cin_plan_id:id, cinp_person_id:id, cinp_referral_id:id, cinp_cin_plan_start_date:date, "
        "cinp_cin_plan_end_date:date",
        ("cinp_person_id", "cinp_cin_plan_start_date"),
        {},
    ),
    "ssd_cin_visits": (
        "cinv_cin_visit_id",
        "cinv_cin_visit_id:id, cinv_person_id:id, cinv_cin_visit_date:date, cinv_cin_visit_seen:flag",
        ("cinv_person_id", "cinv_cin_visit_date"),
        {},
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        "s47e_s47_enquiry_id:id, s47e_person_id:id, s47e_referral_id:id, s47e_s47_start_date:date, "
        "s47e_s47_end_date:date, s47e_s47_nfa:flag",
        ("s47e_person_id", "s47e_s47_start_date"),
        {},
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id",
        "icpc_icpc_id:id, icpc_person_id:id, icpc_s47_enquiry_id:id, icpc_referral_id:id, icpc_icpc_date:date, "
        "icpc_icpc_transfer_in:flag, icpc_icpc_outcome_cp_flag:flag, icpc_cp_plan_id?:id",
        ("icpc_person_id", "icpc_icpc_date"),
        {},
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        "cppl_cp_plan_id:id, cppl_person_id:id, cppl_referral_id:id, cppl_icpc_id:id, "
        "cppl_cp_plan_start_date:date, cppl_cp_plan_end_date:date, cppl_cp_plan_initial_category:code, "
        "cppl_cp_plan_latest_category:code",
        ("cppl_person_id", "cppl_cp_plan_start_date"),
        {"cppl_cp_plan_initial_category": codes.CP_CATEGORY, "cppl_cp_plan_latest_category": codes.CP_CATEGORY},
    ),
    "ssd_cp_visits": (
        "cppv_cp_visit_id",
        "cppv_cp_visit_id:id, cppv_person_id:id, cppv_cp_plan_id:id, cppv_cp_visit_date:date, "
        "cppv_cp_visit_seen:flag, cppv_cp_visit_seen_alone:flag",
        ("cppv_person_id", "cppv_cp_visit_date"),
        {},
    ),
    "ssd_cp_reviews": (
        "cppr_cp_review_id",
        "cppr_cp_review_id:id, cppr_person_id:id, cppr_cp_plan_id:id, cppr_cp_review_due:date, "
        "cppr_cp_review_date:date",
        ("cppr_person_id", "cppr_cp_review_due"),
        {},
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id",
        "clae_cla_episode_id:id, clae_person_id:id, clae_cla_id:id, clae_cla_episode_start_date:date, "
        "clae_cla_episode_start_reason:code, clae_cla_primary_need_code:code, clae_cla_episode_ceased_date:date, "
        "clae_cla_episode_ceased_reason:code, clae_entered_care_date:date",
        ("clae_person_id", "clae_cla_episode_start_date"),
        {
            "clae_cla_episode_start_reason": codes.REASON_NEW_EPISODE,
            "clae_cla_primary_need_code": codes.PRIMARY_NEED,
            "clae_cla_episode_ceased_reason": codes.REASON_EPISODE_CEASED,
        },
    ),
    "ssd_legal_status": (
        "lega_legal_status_id",
        "lega_legal_status_id:id, lega_person_id:id, lega_legal_status:code, lega_legal_status_start_date:date, "
        "lega_legal_status_end_date:date",
        ("lega_person_id", "lega_legal_status_start_date"),
        {"lega_legal_status": codes.LEGAL_STATUS},
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id",
        "clap_cla_placement_id:id, clap_person_id:id, clap_cla_id:id, clap_cla_placement_start_date:date, "
        "clap_cla_placement_end_date:date, clap_cla_placement_type:code, clap_cla_placement_provider:code, "
        "clap_cla_placement_distance:decimal, clap_cla_placement_postcode?:string, clap_cla_placement_urn?:string, "
        "clap_cla_placement_change_reason?:code",
        ("clap_person_id", "clap_cla_placement_start_date"),
        {"clap_cla_placement_type": codes.PLACEMENT_TYPE},
    ),
    "ssd_cla_reviews": (
        "clar_cla_review_id",
        "clar_cla_review_id:id, clar_cla_id:id, clar_cla_review_due_date:date, clar_cla_review_date:date, "
        "clar_cla_review_cancelled:flag, clar_cla_review_participation:code",
        ("clar_cla_review_due_date",),
        {"clar_cla_review_participation": codes.REVIEW_PARTICIPATION},
    ),
    "ssd_cla_visits": (
        "clav_cla_visit_id",
        "clav_cla_visit_id:id, clav_person_id:id, clav_cla_id:id, clav_cla_visit_date:date, "
        "clav_cla_visit_seen:flag, clav_cla_visit_seen_alone:flag",
        ("clav_person_id", "clav_cla_visit_date"),
        {},
    ),
    "ssd_cla_health": (
        "clah_health_check_id",
        "clah_health_check_id:id, clah_person_id:id, clah_health_check_type:code, clah_health_check_date:date, "
        "clah_health_check_status:code",
        ("clah_person_id", "clah_health_check_date"),
        {},
    ),
    "ssd_cla_immunisations": (
        "clai_person_id",
        "clai_person_id:id, clai_immunisations_status:flag, clai_immunisations_status_date:date",
        ("clai_immunisations_status_date",),
        {},
    ),
    "ssd_sdq_scores": (
        "csdq_table_id",
        "csdq_table_id:id, csdq_person_id:id, csdq_sdq_completed_date:date, csdq_sdq_score:int, csdq_sdq_reason?:code",
        ("csdq_person_id", "csdq_sdq_completed_date"),
        {},
    ),
    "ssd_missing": (
        "miss_table_id",
        "miss_table_id:id, miss_person_id:id, miss_missing_episode_start_date:date, "
        "miss_missing_episode_end_date:date, miss_missing_episode_type:code, miss_missing_rhi_offered:flag, "
        "miss_missing_rhi_accepted:flag",
        ("miss_person_id", "miss_missing_episode_start_date"),
        {"miss_missing_episode_type": codes.MISSING_TYPE},
    ),
    "ssd_care_leavers": (
        "clea_table_id",
        "clea_table_id:id, clea_person_id:id, clea_care_leaver_eligibility:code, clea_care_leaver_in_touch:code, "
        "clea_care_leaver_latest_contact:date, clea_care_leaver_accommodation:code, "
        "clea_care_leaver_accom_suitable:flag, clea_care_leaver_activity:code, clea_pathway_plan_review_date:date",
        ("clea_person_id", "clea_care_leaver_latest_contact"),
        {"clea_care_leaver_in_touch": codes.CARE_LEAVER_IN_TOUCH},
    ),
    "ssd_permanence": (
        "perm_table_id",
        "perm_table_id:id, perm_person_id:id, perm_cla_id:id, perm_adm_decision_date:date, "
        "perm_placement_order_date:date, perm_matched_date:date, perm_placed_for_adoption_date:date, "
        "perm_permanence_order_date:date, perm_permanence_order_type:code, perm_decision_reversed_date?:date",
        ("perm_person_id",),
        {},
    ),
    "ssd_immigration_status": (
        "immi_immigration_status_id",
        "immi_immigration_status_id:id, immi_person_id:id, immi_immigration_status:code, "
        "immi_immigration_status_start_date:date, immi_immigration_status_end_date:date",
        ("immi_person_id", "immi_immigration_status_start_date"),
        {},
    ),
    "ssd_disability": (
        "disa_table_id",
        "disa_table_id:id, disa_person_id:id, disa_disability_code:code",
        ("disa_person_id",),
        {},
    ),
    "ssd_professionals": (
        "prof_professional_id",
        "prof_professional_id:id, prof_professional_job_title:string, prof_professional_caseload?:int, "
        "prof_full_time_equivalency:decimal, prof_agency_worker_flag:flag",
        (),
        {},
    ),
    "ssd_involvements": (
        "invo_involvements_id",
        "invo_involvements_id:id, invo_professional_id:id, invo_person_id:id, invo_involvement_start_date:date, "
        "invo_involvement_end_date:date, invo_professional_team?:id",
        ("invo_person_id", "invo_involvement_start_date"),
        {},
    ),
    "ssd_department": (
        "dept_team_id",
        "dept_team_id:id, dept_team_name:string, dept_team_parent_id?:id",
        (),
        {},
    ),
}

# The other SSD objects (docs/specs/FEEDS.md: "accepted and staged when present, with no indicator depending on them
# yet"). docs/specs/FEEDS.md names them without columns, so the columns are the SSD data model's own field names for
# each; only the key, the person (or parent record) link and the record's own date are required in the
# header, the rest are taken when present. Columns an extract adds beyond these are kept in raw as text.
_OTHER_OBJECTS: dict[str, tuple[str, str, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "ssd_address": (
        "addr_table_id",
        "addr_table_id:id, addr_person_id:id, addr_address_start_date:date, addr_address_end_date?:date, "
        "addr_address_type?:code, addr_address_postcode?:string, addr_address_json?:string",
        ("addr_person_id", "addr_address_start_date"),
        {},
    ),
    "ssd_family": (
        "fami_table_id",
        "fami_table_id:id, fami_family_id:id, fami_person_id:id",
        ("fami_family_id", "fami_person_id"),
        {},
    ),
    "ssd_mother": (
        "moth_table_id",
        "moth_table_id:id, moth_person_id:id, moth_childs_person_id:id, moth_childs_dob?:date",
        ("moth_person_id", "moth_childs_person_id"),
        {},
    ),
    "ssd_linked_identifiers": (
        "link_table_id",
        "link_table_id:id, link_person_id:id, link_identifier_type:code, link_identifier_value:string, "
        "link_valid_from_date?:date, link_valid_to_date?:date",
        ("link_person_id", "link_identifier_type"),
        {},
    ),
    "ssd_cla_care_plan": (
        "lacp_table_id",
        "lacp_table_id:id, lacp_person_id:id, lacp_cla_care_plan_start_date:date, lacp_cla_care_plan_end_date?:date, "
        "lacp_cla_care_plan_json?:json_list",
        ("lacp_person_id", "lacp_cla_care_plan_start_date"),
        {},
    ),
    "ssd_cla_convictions": (
        "clac_cla_conviction_id",
        "clac_cla_conviction_id:id, clac_person_id:id, clac_cla_conviction_date:date, clac_cla_conviction_offence?:string",
        ("clac_person_id", "clac_cla_conviction_date"),
        {},
    ),
    "ssd_cla_substance_misuse": (
        "clas_substance_misuse_id",
        "clas_substance_misuse_id:id, clas_person_id:id, clas_substance_misuse_date:date, "
        "clas_substance_misused?:code, clas_intervention_received?:flag",
        ("clas_person_id", "clas_substance_misuse_date"),
        {},
    ),
    "ssd_cla_previous_permanence": (
        "lapp_table_id",
        # The SSDA903 order date may be partly unknown ("zz/zz/2016"), so it is kept as text.
        "lapp_table_id:id, lapp_person_id:id, lapp_previous_permanence_option?:code, "
        "lapp_previous_permanence_la?:string, lapp_previous_permanence_order_date?:string",
        ("lapp_person_id",),
        {"lapp_previous_permanence_option": codes.PREVIOUS_PERMANENCE},
    ),
    "ssd_pre_proceedings": (
        "prep_table_id",
        "prep_table_id:id, prep_person_id:id, prep_plo_family_id?:id, prep_pre_pro_decision_date:date, "
        "prep_initial_pre_pro_meeting_date?:date, prep_pre_pro_outcome?:code, prep_agree_stepdown_issue_date?:date, "
        "prep_pre_pro_letter_date?:date, prep_care_pro_letter_date?:date, prep_pre_pro_meetings_num?:int, "
        "prep_pre_pro_parents_legal_rep?:flag, prep_court_reference?:string",
        ("prep_person_id", "prep_pre_pro_decision_date"),
        {},
    ),
    "ssd_voice_of_child": (
        "voch_table_id",
        "voch_table_id:id, voch_person_id:id, voch_explained_worries?:flag, voch_story_help_understand?:flag, "
        "voch_agree_worker?:flag, voch_plan_safe?:flag, voch_tablet_help_explain?:flag",
        ("voch_person_id",),
        {},
    ),
    "ssd_send": (
        "send_table_id",
        "send_table_id:id, send_person_id:id, send_upn?:string, send_uln?:string, send_upn_unknown?:string",
        ("send_person_id",),
        {},
    ),
    "ssd_sen_need": (
        "senn_table_id",
        "senn_table_id:id, senn_active_ehcp_id:id, senn_active_ehcp_need_type:code, senn_active_ehcp_need_rank?:int",
        ("senn_active_ehcp_id",),
        {"senn_active_ehcp_need_type": codes.SEN_NEED_TYPE},
    ),
    "ssd_ehcp_requests": (
        "ehcr_ehcp_request_id",
        "ehcr_ehcp_request_id:id, ehcr_send_table_id:id, ehcr_ehcp_req_date:date, ehcr_ehcp_req_outcome_date?:date, "
        "ehcr_ehcp_req_outcome?:flag",
        ("ehcr_send_table_id", "ehcr_ehcp_req_date"),
        {},
    ),
    "ssd_ehcp_assessment": (
        "ehca_ehcp_assessment_id",
        "ehca_ehcp_assessment_id:id, ehca_ehcp_request_id:id, ehca_ehcp_assessment_outcome_date?:date, "
        "ehca_ehcp_assessment_outcome?:flag, ehca_ehcp_assessment_exceptions?:flag",
        ("ehca_ehcp_request_id",),
        {},
    ),
    "ssd_ehcp_named_plan": (
        "ehcn_named_plan_id",
        "ehcn_named_plan_id:id, ehcn_ehcp_asmt_id:id, ehcn_named_plan_start_date:date, ehcn_named_plan_cease_date?:date, "
        "ehcn_named_plan_cease_reason?:code",
        ("ehcn_ehcp_asmt_id", "ehcn_named_plan_start_date"),
        {},
    ),
    "ssd_ehcp_active_plans": (
        "ehcp_active_ehcp_id",
        "ehcp_active_ehcp_id:id, ehcp_ehcp_request_id:id, ehcp_active_ehcp_last_review_date?:date",
        ("ehcp_ehcp_request_id",),
        {},
    ),
    "ssd_s251_finance": (
        # The SSD has not yet defined the s251 cost fields beyond the placement link; any it sends are kept in raw.
        "s251_table_id",
        "s251_table_id:id, s251_cla_placement_id:id",
        ("s251_cla_placement_id",),
        {},
    ),
}


def _table(obj: str) -> TableContract:
    key, spec, not_null, code_lists = _OBJECTS.get(obj) or _OTHER_OBJECTS[obj]
    return TableContract(
        feed="case_system",
        table=obj,
        file_pattern=rf"{obj}\.csv",
        key=(key,),
        columns=parse_columns(spec, not_null=(key, *not_null), codes=code_lists),
        semantics="snapshot",
    )


CONTRACT = FeedContract(
    feed="case_system",
    description="Standard Safeguarding Dataset extract from the case system; each file a full snapshot of one object.",
    tables=tuple(_table(obj) for obj in (*_OBJECTS, *_OTHER_OBJECTS)),
)
# The objects docs/specs/FEEDS.md lists column by column (the indicators read them); the rest are staged as they come.
INDICATOR_OBJECTS: tuple[str, ...] = tuple(_OBJECTS)
OTHER_OBJECTS: tuple[str, ...] = tuple(_OTHER_OBJECTS)
