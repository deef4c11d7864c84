"""DfE CIN / SSDA903 rules: a clean journey passes every rule; one mutation per rule makes it fail on its key.
The rules read the staging models, made here as views from the dbt SQL itself (tests/expectations/staging_views.py)."""

from __future__ import annotations

from datetime import date as d
from typing import Any, Callable

import duckdb
import pytest

from expectations import run_checks
from expectations.dfe_rules import SUITE as DFE_SUITE
from expectations.dfe_rules import RULES, evaluate_rules
from ingest.contracts import all_tables
from tests.expectations.conftest import AS_OF, build_marts, create_raw_table, insert_rows
from tests.expectations.staging_views import child_key, create_staging_views

T = "case_system__"
KEYS = {c.raw_table: c.key[0] for c in all_tables()}


def _clean() -> dict[str, list[dict[str, Any]]]:
    return {
        "ssd_person": [
            {"pers_person_id": "P1", "pers_sex": "F", "pers_dob": d(2012, 5, 1), "pers_ethnicity": "WBRI"},
            {"pers_person_id": "P2", "pers_sex": "M", "pers_dob": d(2010, 1, 15), "pers_ethnicity": "WBRI"},
            {"pers_person_id": "P3", "pers_sex": "M", "pers_dob": d(2005, 3, 1), "pers_ethnicity": "AOTH"},
            {"pers_person_id": "P4", "pers_sex": "F", "pers_dob": d(2020, 2, 1), "pers_ethnicity": "WBRI"},
        ],
        "ssd_cin_episodes": [
            {"cine_referral_id": "R1", "cine_person_id": "P1", "cine_referral_date": d(2024, 4, 3),
             "cine_cin_primary_need_code": "N1", "cine_referral_source_code": "1A", "cine_referral_nfa": "N",
             "cine_close_reason": "RC1", "cine_close_date": d(2024, 12, 20)},
            {"cine_referral_id": "R2", "cine_person_id": "P1", "cine_referral_date": d(2025, 1, 10),
             "cine_cin_primary_need_code": "N9", "cine_referral_source_code": "6", "cine_referral_nfa": "Y",
             "cine_close_reason": None, "cine_close_date": None},
            {"cine_referral_id": "R3", "cine_person_id": "P2", "cine_referral_date": d(2023, 6, 1),
             "cine_cin_primary_need_code": "N1", "cine_referral_source_code": "5A", "cine_referral_nfa": "N",
             "cine_close_reason": None, "cine_close_date": None},
        ],
        "ssd_cin_assessments": [
            {"cina_assessment_id": "A1", "cina_person_id": "P1", "cina_referral_id": "R1",
             "cina_assessment_start_date": d(2024, 4, 5), "cina_assessment_auth_date": d(2024, 5, 20),
             "cina_assessment_outcome_nfa": "N"},
            {"cina_assessment_id": "A2", "cina_person_id": "P2", "cina_referral_id": "R3",
             "cina_assessment_start_date": d(2023, 6, 5), "cina_assessment_auth_date": d(2023, 7, 1),
             "cina_assessment_outcome_nfa": "N"},
        ],
        "ssd_s47_enquiry": [
            {"s47e_s47_enquiry_id": "S1", "s47e_person_id": "P1", "s47e_referral_id": "R1",
             "s47e_s47_start_date": d(2024, 5, 21), "s47e_s47_end_date": d(2024, 6, 5), "s47e_s47_nfa": "N"},
        ],
        "ssd_initial_cp_conference": [
            {"icpc_icpc_id": "IC1", "icpc_person_id": "P1", "icpc_s47_enquiry_id": "S1", "icpc_referral_id": "R1",
             "icpc_icpc_date": d(2024, 6, 5), "icpc_icpc_transfer_in": "N", "icpc_icpc_outcome_cp_flag": "Y",
             "icpc_cp_plan_id": "CP1"},
        ],
        "ssd_cp_plans": [
            {"cppl_cp_plan_id": "CP1", "cppl_person_id": "P1", "cppl_referral_id": "R1", "cppl_icpc_id": "IC1",
             "cppl_cp_plan_start_date": d(2024, 6, 5), "cppl_cp_plan_end_date": d(2024, 11, 30),
             "cppl_cp_plan_initial_category": "NEG", "cppl_cp_plan_latest_category": "NEG"},
        ],
        "ssd_cp_reviews": [
            {"cppr_cp_review_id": "CPR1", "cppr_person_id": "P1", "cppr_cp_plan_id": "CP1",
             "cppr_cp_review_due": d(2024, 9, 5), "cppr_cp_review_date": d(2024, 9, 4)},
        ],
        "ssd_cin_plans": [
            {"cinp_cin_plan_id": "CN1", "cinp_person_id": "P1", "cinp_referral_id": "R1",
             "cinp_cin_plan_start_date": d(2024, 11, 30), "cinp_cin_plan_end_date": d(2024, 12, 20)},
        ],
        "ssd_cla_episodes": [
            _episode("E1", "P2", "CLA1", d(2023, 7, 10), "S", d(2023, 9, 1), "X1", d(2023, 7, 10)),
            _episode("E2", "P2", "CLA1", d(2023, 9, 1), "P", d(2024, 3, 1), "E13", d(2023, 7, 10)),
            _episode("E3", "P3", "CLA2", d(2021, 1, 1), "S", d(2023, 3, 1), "E8", d(2021, 1, 1)),
            _episode("E4", "P4", "CLA3", d(2022, 1, 5), "S", d(2024, 2, 1), "E11", d(2022, 1, 5)),
        ],
        "ssd_legal_status": [
            _legal("LS1", "P2", "C1", d(2023, 7, 10), d(2023, 9, 1)),
            _legal("LS2", "P2", "C2", d(2023, 9, 1), d(2024, 3, 1)),
            _legal("LS3", "P3", "V2", d(2021, 1, 1), d(2023, 3, 1)),
        ],
        "ssd_cla_placement": [
            _placement("PL1", "P2", "CLA1", d(2023, 7, 10), d(2023, 9, 1)),
            _placement("PL2", "P2", "CLA1", d(2023, 9, 1), d(2024, 3, 1)),
            _placement("PL3", "P3", "CLA2", d(2021, 1, 1), d(2023, 3, 1)),
        ],
        "ssd_cla_reviews": [
            {"clar_cla_review_id": "CLR1", "clar_cla_id": "CLA1", "clar_cla_review_due_date": d(2023, 8, 7),
             "clar_cla_review_date": d(2023, 8, 5), "clar_cla_review_cancelled": "N",
             "clar_cla_review_participation": "PN1"},
        ],
        "ssd_missing": [
            {"miss_table_id": "MS1", "miss_person_id": "P2", "miss_missing_episode_start_date": d(2023, 10, 1),
             "miss_missing_episode_end_date": d(2023, 10, 2), "miss_missing_episode_type": "M",
             "miss_missing_rhi_offered": "Y", "miss_missing_rhi_accepted": "Y"},
        ],
        "ssd_care_leavers": [
            {"clea_table_id": "CL1", "clea_person_id": "P3", "clea_care_leaver_eligibility": "FORMER_RELEVANT",
             "clea_care_leaver_in_touch": "YES", "clea_care_leaver_latest_contact": d(2024, 6, 1),
             "clea_care_leaver_accommodation": "E", "clea_care_leaver_accom_suitable": "Y",
             "clea_care_leaver_activity": "F1", "clea_pathway_plan_review_date": d(2024, 5, 1)},
        ],
        "ssd_immigration_status": [
            {"immi_immigration_status_id": "IM1", "immi_person_id": "P3", "immi_immigration_status": "UASC",
             "immi_immigration_status_start_date": d(2021, 1, 1), "immi_immigration_status_end_date": d(2023, 3, 1)},
        ],
        "ssd_permanence": [
            {"perm_table_id": "PM1", "perm_person_id": "P4", "perm_cla_id": "CLA3",
             "perm_adm_decision_date": d(2022, 6, 1), "perm_placement_order_date": d(2022, 9, 1),
             "perm_matched_date": d(2023, 1, 10), "perm_placed_for_adoption_date": d(2023, 2, 1),
             "perm_permanence_order_date": d(2024, 2, 1), "perm_permanence_order_type": "ADOPTION"},
        ],
    }


def _episode(eid, person, cla, start, reason, ceased, ceased_reason, entered) -> dict[str, Any]:
    return {"clae_cla_episode_id": eid, "clae_person_id": person, "clae_cla_id": cla,
            "clae_cla_episode_start_date": start, "clae_cla_episode_start_reason": reason,
            "clae_cla_primary_need_code": "N1", "clae_cla_episode_ceased_date": ceased,
            "clae_cla_episode_ceased_reason": ceased_reason, "clae_entered_care_date": entered}


def _legal(lid, person, status, start, end) -> dict[str, Any]:
    return {"lega_legal_status_id": lid, "lega_person_id": person, "lega_legal_status": status,
            "lega_legal_status_start_date": start, "lega_legal_status_end_date": end}


def _placement(pid, person, cla, start, end) -> dict[str, Any]:
    return {"clap_cla_placement_id": pid, "clap_person_id": person, "clap_cla_id": cla,
            "clap_cla_placement_start_date": start, "clap_cla_placement_end_date": end,
            "clap_cla_placement_type": "U4", "clap_cla_placement_provider": "PR1", "clap_cla_placement_distance": 5.0}


Rows = dict[str, list[dict[str, Any]]]


def _set(rows: Rows, obj: str, rid: str, **changes: Any) -> None:
    key = KEYS[T + obj]
    [row] = [r for r in rows[obj] if r[key] == rid]
    row.update(changes)


def _add(rows: Rows, obj: str, like: str, **changes: Any) -> None:
    key = KEYS[T + obj]
    [row] = [r for r in rows[obj] if r[key] == like]
    rows[obj].append({**row, **changes})


# rule check name -> (mutation of the clean rows, the failing key it must report)
MUTATIONS: dict[str, tuple[Callable[[Rows], None], str]] = {
    "CIN 1103": (lambda r: _set(r, "ssd_cin_assessments", "A1", cina_assessment_start_date=d(2024, 4, 1)), "A1"),
    "CIN 1104": (lambda r: (_set(r, "ssd_initial_cp_conference", "IC1", icpc_icpc_date=d(2024, 4, 1)),
                            _set(r, "ssd_s47_enquiry", "S1", s47e_s47_start_date=d(2024, 3, 20),
                                 s47e_s47_end_date=d(2024, 4, 1)),
                            _set(r, "ssd_cp_plans", "CP1", cppl_cp_plan_start_date=d(2024, 4, 1))), "IC1"),
    "CIN 1105": (lambda r: _set(r, "ssd_cp_plans", "CP1", cppl_referral_id="R2"), "CP1"),
    "CIN 2885": (lambda r: _set(r, "ssd_cp_plans", "CP1", cppl_cp_plan_start_date=d(2024, 6, 6)), "CP1"),
    "CIN 2889": (lambda r: _set(r, "ssd_s47_enquiry", "S1", s47e_referral_id="R2"), "S1"),
    "CIN 4000": (lambda r: _set(r, "ssd_cin_plans", "CN1", cinp_referral_id="R2",
                                cinp_cin_plan_start_date=d(2025, 1, 10), cinp_cin_plan_end_date=d(2025, 2, 1)), "CN1"),
    "CIN 4001": (lambda r: _set(r, "ssd_cin_plans", "CN1", cinp_cin_plan_start_date=d(2024, 11, 1)), "CN1"),
    "CIN 4008": (lambda r: _set(r, "ssd_person", "P1", pers_death_date=d(2024, 11, 29)), "CN1"),
    "CIN 4011": (lambda r: _set(r, "ssd_cin_plans", "CN1", cinp_cin_plan_end_date=d(2024, 12, 1),
                                cinp_cin_plan_start_date=d(2024, 12, 10)), "CN1"),
    "CIN 4015": (lambda r: _set(r, "ssd_cin_plans", "CN1", cinp_referral_id="R2"), "CN1"),
    # a rule about a person names its pseudonymous child_key (staging holds no case-system person id)
    "CIN 8525Q": (lambda r: _set(r, "ssd_person", "P1", pers_expected_dob=d(2012, 5, 1)), child_key("P1")),
    "CIN 8535Q": (lambda r: _set(r, "ssd_person", "P4", pers_death_date=d(2019, 1, 1)), child_key("P4")),
    "CIN 8555Q": (lambda r: _set(r, "ssd_person", "P1", pers_death_date=d(2025, 1, 1)), "R2"),
    "CIN 8565": (lambda r: _set(r, "ssd_cin_assessments", "A1", cina_assessment_start_date=d(2024, 12, 21),
                                cina_assessment_auth_date=d(2024, 12, 22)), "A1"),
    "CIN 8606": (lambda r: _set(r, "ssd_person", "P2", pers_dob=d(2024, 6, 1)), "R3"),
    "CIN 8608": (lambda r: _set(r, "ssd_cin_assessments", "A1", cina_assessment_auth_date=d(2024, 4, 4)), "A1"),
    "CIN 8615": (lambda r: _set(r, "ssd_s47_enquiry", "S1", s47e_s47_start_date=d(2024, 6, 6),
                                s47e_s47_end_date=d(2024, 6, 7)), "IC1"),
    "CIN 8630": (lambda r: _set(r, "ssd_cin_episodes", "R1", cine_close_date=d(2024, 4, 2)), "R1"),
    "CIN 8640": (lambda r: _set(r, "ssd_cin_episodes", "R1", cine_close_reason="RC0"), "R1"),
    "CIN 8805": (lambda r: _set(r, "ssd_cin_episodes", "R1", cine_close_reason=None), "R1"),
    "CIN 8810": (lambda r: _set(r, "ssd_cin_episodes", "R3", cine_close_reason="RC1"), "R3"),
    "CIN 8815": (lambda r: _add(r, "ssd_cin_episodes", "R3", cine_referral_id="R9",
                                cine_referral_date=d(2022, 1, 1)), "R9"),
    "CIN 8820": (lambda r: _add(r, "ssd_cin_episodes", "R1", cine_referral_id="R9",
                                cine_referral_date=d(2024, 5, 1), cine_close_date=d(2024, 6, 1)), "R9"),
    "CIN 8831": (lambda r: _set(r, "ssd_cin_assessments", "A1", cina_referral_id="R2",
                                cina_assessment_start_date=d(2025, 1, 11), cina_assessment_auth_date=d(2025, 1, 20)),
                 "A1"),
    "CIN 8832": (lambda r: (_set(r, "ssd_cp_plans", "CP1", cppl_referral_id="R2",
                                 cppl_cp_plan_start_date=d(2025, 1, 11), cppl_cp_plan_end_date=d(2025, 2, 1)),
                            _set(r, "ssd_initial_cp_conference", "IC1", icpc_icpc_date=d(2025, 1, 11)),
                            _set(r, "ssd_cp_reviews", "CPR1", cppr_cp_review_date=d(2025, 1, 20))), "CP1"),
    "CIN 8840": (lambda r: (_set(r, "ssd_cp_plans", "CP1", cppl_cp_plan_end_date=d(2024, 6, 5)),
                            _set(r, "ssd_cp_reviews", "CPR1", cppr_cp_review_date=d(2024, 6, 6))), "CP1"),
    "CIN 8841": (lambda r: _set(r, "ssd_cp_reviews", "CPR1", cppr_cp_review_date=d(2024, 6, 5)), "CPR1"),
    "CIN 8863Q": (lambda r: _add(r, "ssd_cin_assessments", "A1", cina_assessment_id="A9",
                                 cina_assessment_start_date=d(2024, 5, 1)), "A9"),
    "CIN 8890": (lambda r: _add(r, "ssd_s47_enquiry", "S1", s47e_s47_enquiry_id="S9",
                                s47e_s47_start_date=d(2024, 5, 25)), "S9"),
    "CIN 8915": (lambda r: _set(r, "ssd_person", "P1", pers_death_date=d(2024, 6, 4)), "CP1"),
    "CIN 8925": (lambda r: (_set(r, "ssd_cp_plans", "CP1", cppl_cp_plan_end_date=d(2024, 6, 1)),
                            _set(r, "ssd_cin_plans", "CN1", cinp_cin_plan_start_date=d(2024, 12, 1))), "CP1"),
    "CIN 8935": (lambda r: (_set(r, "ssd_cp_plans", "CP1", cppl_cp_plan_end_date=None),
                            _set(r, "ssd_cin_plans", "CN1", cinp_person_id="P2"),
                            _add(r, "ssd_cp_plans", "CP1", cppl_cp_plan_id="CP9", cppl_icpc_id=None)), "CP1"),
    "CIN 8940": (lambda r: _add(r, "ssd_cp_plans", "CP1", cppl_cp_plan_id="CP9", cppl_icpc_id=None,
                                cppl_cp_plan_start_date=d(2024, 7, 1), cppl_cp_plan_end_date=d(2024, 8, 1)), "CP9"),
    "CIN L01": (lambda r: _set(r, "ssd_cin_assessments", "A2", cina_referral_id="R404"), "A2"),
    "CIN L02": (lambda r: _set(r, "ssd_s47_enquiry", "S1", s47e_referral_id="R404"), "S1"),
    "CIN L03": (lambda r: _set(r, "ssd_cp_plans", "CP1", cppl_referral_id="R404"), "CP1"),
    "CIN L04": (lambda r: _set(r, "ssd_s47_enquiry", "S1", s47e_s47_end_date=d(2024, 5, 20)), "S1"),
    "903 142": (lambda r: (_set(r, "ssd_cla_episodes", "E1", clae_cla_episode_ceased_date=None,
                                clae_cla_episode_ceased_reason=None)), "E1"),
    "903 148": (lambda r: _set(r, "ssd_cla_episodes", "E3", clae_cla_episode_ceased_reason=None), "E3"),
    "903 184": (lambda r: _set(r, "ssd_permanence", "PM1", perm_adm_decision_date=d(2019, 1, 1)), "PM1"),
    "903 302": (lambda r: _set(r, "ssd_person", "P4", pers_dob=d(2022, 2, 1)), "E4"),
    "903 304": (lambda r: _set(r, "ssd_immigration_status", "IM1", immi_immigration_status_end_date=d(2023, 3, 2)),
                "IM1"),
    "903 331": (lambda r: _set(r, "ssd_permanence", "PM1", perm_matched_date=d(2023, 2, 2)), "PM1"),
    "903 333": (lambda r: _set(r, "ssd_permanence", "PM1", perm_adm_decision_date=d(2023, 1, 11)), "PM1"),
    "903 352": (lambda r: _set(r, "ssd_person", "P3", pers_dob=d(2002, 1, 1)), "E3"),
    "903 356": (lambda r: _set(r, "ssd_cla_episodes", "E4", clae_cla_episode_ceased_date=d(2022, 1, 4)), "E4"),
    "903 357": (lambda r: _set(r, "ssd_cla_episodes", "E3", clae_cla_episode_start_reason="T"), "E3"),
    "903 358": (lambda r: _set(r, "ssd_legal_status", "LS1", lega_person_id="P4", lega_legal_status="J2"), "LS1"),
    "903 361": (lambda r: _set(r, "ssd_legal_status", "LS1", lega_legal_status="L1"), "LS1"),
    "903 386": (lambda r: _set(r, "ssd_cla_episodes", "E3", clae_cla_episode_ceased_reason="E11"), "E3"),
    "903 387": (lambda r: _set(r, "ssd_cla_episodes", "E4", clae_cla_episode_ceased_reason="E5"), "E4"),
    "903 388": (lambda r: _set(r, "ssd_cla_episodes", "E3", clae_cla_episode_ceased_reason="X1"), "E3"),
    "903 431": (lambda r: _set(r, "ssd_cla_episodes", "E2", clae_cla_episode_start_reason="S"), "E2"),
    "903 432": (lambda r: _set(r, "ssd_cla_episodes", "E1", clae_cla_episode_ceased_reason="E13"), "E2"),
    "903 433": (lambda r: _add(r, "ssd_cla_episodes", "E2", clae_cla_episode_id="E9",
                               clae_cla_episode_start_date=d(2024, 6, 1), clae_cla_episode_ceased_date=d(2024, 7, 1)),
                "E9"),
    "903 437": (lambda r: _set(r, "ssd_cla_episodes", "E1", clae_cla_episode_ceased_reason="E2"), "E1"),
    "903 440": (lambda r: _set(r, "ssd_cla_reviews", "CLR1", clar_cla_review_participation="PN0"), "CLR1"),
    "903 441": (lambda r: _set(r, "ssd_person", "P2", pers_dob=d(2021, 1, 1)), "CLR1"),
    "903 501": (lambda r: _set(r, "ssd_cla_episodes", "E1", clae_cla_episode_ceased_date=d(2023, 9, 2)), "E2"),
    "903 567": (lambda r: _set(r, "ssd_missing", "MS1", miss_missing_episode_end_date=d(2023, 9, 30)), "MS1"),
    "903 574": (lambda r: (_set(r, "ssd_missing", "MS1", miss_missing_episode_end_date=d(2023, 10, 3)),
                           _add(r, "ssd_missing", "MS1", miss_table_id="MS9",
                                miss_missing_episode_start_date=d(2023, 10, 2))), "MS9"),
    "903 586": (lambda r: _set(r, "ssd_person", "P2", pers_dob=d(2023, 10, 2)), "MS1"),
    "903 1003": (lambda r: _set(r, "ssd_permanence", "PM1", perm_adm_decision_date=d(2022, 1, 4)), "PM1"),
    "903 L05": (lambda r: _set(r, "ssd_cla_placement", "PL3", clap_cla_placement_start_date=d(2020, 12, 1)), "PL3"),
    "903 L06": (lambda r: _set(r, "ssd_cla_placement", "PL3", clap_cla_id="CLA404"), "PL3"),
    "903 L07": (lambda r: _set(r, "ssd_cla_reviews", "CLR1", clar_cla_review_date=d(2024, 3, 2)), "CLR1"),
    "903 L08": (lambda r: _set(r, "ssd_care_leavers", "CL1", clea_care_leaver_latest_contact=d(2031, 3, 1)), "CL1"),
    "903 L09": (lambda r: _set(r, "ssd_missing", "MS1", miss_missing_episode_start_date=d(2023, 7, 1)), "MS1"),
}

# a mutation may also trip a rule that checks the same fact from the other side
ALSO_FAILS: dict[str, set[str]] = {
    "CIN 1104": {"CIN 1105", "CIN 2889"},  # the S47 and plan moved with the conference
    "CIN 1105": {"CIN 8832"},  # the referral moved to is an NFA one
    "CIN 2889": {"CIN 8831"},
    "CIN 4008": {"CIN 8555Q"},
    "CIN 4015": {"CIN 4000"},
    "CIN 8630": {"CIN 8565"},
    "CIN 8815": {"CIN 8820"},
    "CIN 8915": {"CIN 4008", "CIN 8555Q"},
    "CIN 8606": {"903 302", "903 586", "903 441"},
    "903 142": {"903 433"},
    "903 184": {"903 1003"},
    "903 352": {"903 304"},
    "903 432": {"903 388"},  # E1 ceased for another reason, E2 starts that day: X1 was due
    "903 437": {"903 432", "903 388"},
    "903 501": {"903 388", "903 433"},
    "903 586": {"903 302", "903 441", "CIN 8606"},
    "903 441": {"903 302", "903 586", "CIN 8606"},
}


def _warehouse(path, rows: Rows) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    for table in all_tables():
        create_raw_table(con, table)
    for obj, table_rows in rows.items():
        insert_rows(con, T + obj, table_rows)
    create_staging_views(con)
    return con


def _failing(con) -> dict[str, list[str]]:
    results = evaluate_rules(con)
    errors = {r.rule.check_name: r.error for r in results if r.error}
    assert not errors, errors
    return {r.rule.check_name: r.sample_keys for r in results if r.failing_rows}


def test_rules_are_many_and_well_formed():
    assert len(RULES) >= 40
    assert len({r.check_name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.source in ("CIN", "903") and rule.severity in ("blocking", "warning")
        assert rule.reference and "failing_key" in rule.sql and ";" not in rule.sql
    assert set(MUTATIONS) == {r.check_name for r in RULES}, "every rule needs a failing fixture"


def test_clean_journey_passes_every_rule(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb", _clean())
    assert _failing(con) == {}


@pytest.fixture(scope="module")
def clean_failing(tmp_path_factory) -> dict[str, list[str]]:
    """What fails on the clean journey (nothing): built once for every mutation below."""
    return _failing(_warehouse(tmp_path_factory.mktemp("clean") / "clean.duckdb", _clean()))


@pytest.mark.parametrize("check_name", sorted(MUTATIONS))
def test_rule_fails_on_its_mutation_and_passes_without(tmp_path, check_name, clean_failing):
    mutate, key = MUTATIONS[check_name]
    assert check_name not in clean_failing
    rows = _clean()
    mutate(rows)
    failing = _failing(_warehouse(tmp_path / "bad.duckdb", rows))
    assert key in failing.get(check_name, []), failing
    assert set(failing) - {check_name} <= ALSO_FAILS.get(check_name, set()), failing


def test_only_current_rows_are_read_and_unbuilt_or_empty_models_pass(tmp_path):
    rows = _clean()
    con = _warehouse(tmp_path / "w.duckdb", rows)
    insert_rows(con, T + "ssd_cin_assessments", [dict(rows["ssd_cin_assessments"][0],
                                                     cina_assessment_auth_date=d(2000, 1, 1))], batch_id=0)
    assert _failing(con) == {}
    con.execute("drop view staging.stg_case_system__cp_plans")  # not built
    con.execute("delete from raw.case_system__ssd_s47_enquiry")  # not delivered
    results = {r.rule.check_name: r for r in evaluate_rules(con)}
    assert results["CIN 8925"].passed and results["CIN 8925"].missing == ("staging.stg_case_system__cp_plans",)
    assert results["CIN L04"].passed and not results["CIN L04"].missing
    assert results["CIN 8925"].rule.tables == ("case_system__ssd_cp_plans",)  # results name the raw table


def test_sql_error_is_reported_not_raised(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb", _clean())
    con.execute("create or replace view staging.stg_case_system__cin_plans as "
                "select cinp_cin_plan_id as cin_plan_id from raw.case_system__ssd_cin_plans")
    results = {r.rule.check_name: r for r in evaluate_rules(con)}
    assert results["CIN 4011"].error and not results["CIN 4011"].passed
    assert results["CIN 1103"].passed


def test_run_checks_stores_dfe_results(tmp_path):
    rows = _clean()
    _set(rows, "ssd_cin_assessments", "A1", cina_assessment_auth_date=d(2024, 4, 4))  # CIN 8608: 1 of 2 children, over 5%
    con = _warehouse(tmp_path / "w.duckdb", rows)
    build_marts(con)
    run = run_checks(con, as_of=AS_OF)
    assert run.status == "FAILED"
    stored = con.execute(
        "select check_name, severity, status, failing_rows, failing_sample, message from dq.check_results "
        "where run_id = ? and suite = ?", [run.run_id, DFE_SUITE]).fetchall()
    by_name = {r[0]: r for r in stored}
    assert len(by_name) == len(RULES)
    assert by_name["CIN 8608"][1:5] == ("blocking", "failed", 1, "A1")
    assert by_name["CIN 8608"][5] == ("Assessment Start Date cannot be later than its End Date — 1 records, e.g. A1 "
                                      "[policy: 1 = 50.0% of 2 children in need; blocks (blocks if > 5%)]")
    assert by_name["CIN 1103"][2] == "passed"


def test_357_on_903_files_judges_only_the_episodes_of_the_years_landed():
    """A 903 year holds the episodes open on its 1 April, begun before: with no SSD loaded, 357 (first episode ever
    not S) judges only episodes from 1 April of the first 903 year landed, as the validator judges its one year.
    Per authority: another authority's files (in a hub) change nothing."""
    from expectations.dfe_rules import count_failing, totals
    from ingest.core.load import ensure_loads_table

    con = duckdb.connect(":memory:")
    con.execute("create schema raw")
    con.execute("create schema staging")
    ensure_loads_table(con)
    con.execute("create table staging.stg_case_system__cla_episodes "
                "(la_code varchar, cla_episode_id varchar, child_key varchar, start_date date, start_reason_code varchar)")
    con.execute("insert into staging.stg_case_system__cla_episodes values ('841', 'E1', 'k1', '2024-03-31', 'P'), "
                "('841', 'E2', 'k2', '2024-04-01', 'T'), ('841', 'E3', 'k3', '2024-04-02', 'S')")
    (rule,) = [r for r in RULES if r.code == "357"]

    def load(feed: str, table: str, file_name: str, outcome: str = "loaded", la_code: str = "841") -> None:
        con.execute("insert into raw._loads (feed, table_name, file_name, outcome, la_code) values ($1, $2, $3, $4, $5)",
                    [feed, table, file_name, outcome, la_code])

    assert totals(count_failing(con, rule.sql)) == (2, ["E1", "E2"])  # nothing loaded from the 903: the whole history
    load("ssda903", "ssda903__episodes", "2025-26/episodes.csv")
    load("ssda903", "ssda903__episodes", "2024-25/episodes.csv")
    assert totals(count_failing(con, rule.sql)) == (1, ["E2"])  # the files begin on 1 April 2024: E1 began before them
    load("ssda903", "ssda903__episodes", "2023-24/episodes.csv", "quarantined")
    assert totals(count_failing(con, rule.sql)) == (1, ["E2"])  # a refused year is no history
    load("ssda903", "ssda903__episodes", "2020-21/episodes.csv", la_code="840")
    load("case_system", "case_system__ssd_cla_episodes", "ssd_cla_episodes.csv", la_code="840")
    assert totals(count_failing(con, rule.sql)) == (1, ["E2"])  # another authority's years and SSD are its own
    load("case_system", "case_system__ssd_cla_episodes", "ssd_cla_episodes.csv")
    assert totals(count_failing(con, rule.sql)) == (2, ["E1", "E2"])  # an SSD extract wins, and its history is whole
