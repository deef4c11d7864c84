"""From internal records to the SSD extract: which rows an extract holds, their public ids, and the
contract's columns in the contract's order (one pandas frame per SSD object).

Like a real SSD extract, it holds what was live in the window (open at or after its start) plus a
year's lookback of events, so re-referral and visit measures are complete from the first month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic.context import Context
from synthetic.days import NA, birthday, is_na, to_text
from synthetic.records import Records
from ingest.case_system.schema import CONTRACT

Column = tuple[str, ...]  # ("id",) | ("person", col) | ("ref", entity, col) | ("date", col) | ("text", col)


@dataclass(frozen=True)
class Spec:
    """How one SSD object is rendered from one internal table."""

    source: str  # internal table
    prefix: str  # id prefix ("" when the object has no id of its own)
    order: tuple[str, ...]  # date columns that order rows (and so ids)
    columns: dict[str, Column]


def _id() -> Column:
    return ("id",)


SPECS: dict[str, Spec] = {
    "ssd_person": Spec("persons", "P", (), {
        "pers_person_id": _id(), "pers_sex": ("text", "sex"), "pers_dob": ("date", "dob"),
        "pers_ethnicity": ("text", "ethnicity"), "pers_expected_dob": ("date", "expected_dob"),
        "pers_death_date": ("date", "death"), "pers_upn_unknown": ("text", "upn_unknown"),
        "pers_common_child_id": ("text", "nhs_number")}),
    "ssd_contacts": Spec("contacts", "CT", ("day",), {
        "cont_contact_id": _id(), "cont_person_id": ("person", "person"), "cont_contact_date": ("date", "day"),
        "cont_contact_source_code": ("text", "source"), "cont_contact_outcome_json": ("text", "outcome")}),
    "ssd_early_help_episodes": Spec("early_help", "EH", ("start",), {
        "earl_episode_id": _id(), "earl_person_id": ("person", "person"), "earl_episode_start_date": ("date", "start"),
        "earl_episode_end_date": ("date", "end"), "earl_episode_reason": ("text", "reason"),
        "earl_episode_end_reason": ("text", "end_reason"), "earl_episode_organisation": ("text", "organisation")}),
    "ssd_cin_episodes": Spec("referrals", "R", ("day",), {
        "cine_referral_id": _id(), "cine_person_id": ("person", "person"), "cine_referral_date": ("date", "day"),
        "cine_cin_primary_need_code": ("text", "need"), "cine_referral_source_code": ("text", "source"),
        "cine_referral_nfa": ("text", "nfa"), "cine_close_reason": ("text", "close_reason"),
        "cine_close_date": ("date", "close")}),
    "ssd_cin_assessments": Spec("assessments", "A", ("start",), {
        "cina_assessment_id": _id(), "cina_person_id": ("person", "person"),
        "cina_referral_id": ("ref", "referrals", "referral"), "cina_assessment_start_date": ("date", "start"),
        "cina_assessment_auth_date": ("date", "auth"), "cina_assessment_outcome_nfa": ("text", "nfa"),
        "cina_assessment_child_seen": ("text", "seen")}),
    "ssd_assessment_factors": Spec("assessment_factors", "AF", (), {
        "cinf_table_id": _id(), "cinf_assessment_id": ("ref", "assessments", "assessment"),
        "cinf_assessment_factors_json": ("text", "factors")}),
    "ssd_cin_plans": Spec("cin_plans", "CN", ("start",), {
        "cinp_cin_plan_id": _id(), "cinp_person_id": ("person", "person"),
        "cinp_referral_id": ("ref", "referrals", "referral"), "cinp_cin_plan_start_date": ("date", "start"),
        "cinp_cin_plan_end_date": ("date", "end")}),
    "ssd_cin_visits": Spec("cin_visits", "CNV", ("day",), {
        "cinv_cin_visit_id": _id(), "cinv_person_id": ("person", "person"), "cinv_cin_visit_date": ("date", "day"),
        "cinv_cin_visit_seen": ("text", "seen")}),
    "ssd_s47_enquiry": Spec("s47", "S", ("start",), {
        "s47e_s47_enquiry_id": _id(), "s47e_person_id": ("person", "person"),
        "s47e_referral_id": ("ref", "referrals", "referral"), "s47e_s47_start_date": ("date", "start"),
        "s47e_s47_end_date": ("date", "end"), "s47e_s47_nfa": ("text", "nfa")}),
    "ssd_initial_cp_conference": Spec("icpc", "IC", ("day",), {
        "icpc_icpc_id": _id(), "icpc_person_id": ("person", "person"), "icpc_s47_enquiry_id": ("ref", "s47", "s47"),
        "icpc_referral_id": ("ref", "referrals", "referral"), "icpc_icpc_date": ("date", "day"),
        "icpc_icpc_transfer_in": ("text", "transfer_in"), "icpc_icpc_outcome_cp_flag": ("text", "cp_flag"),
        "icpc_cp_plan_id": ("ref", "cp_plans", "cp_plan")}),
    "ssd_cp_plans": Spec("cp_plans", "CP", ("start",), {
        "cppl_cp_plan_id": _id(), "cppl_person_id": ("person", "person"),
        "cppl_referral_id": ("ref", "referrals", "referral"), "cppl_icpc_id": ("ref", "icpc", "icpc"),
        "cppl_cp_plan_start_date": ("date", "start"), "cppl_cp_plan_end_date": ("date", "end"),
        "cppl_cp_plan_initial_category": ("text", "initial"), "cppl_cp_plan_latest_category": ("text", "latest")}),
    "ssd_cp_visits": Spec("cp_visits", "CPV", ("day",), {
        "cppv_cp_visit_id": _id(), "cppv_person_id": ("person", "person"),
        "cppv_cp_plan_id": ("ref", "cp_plans", "plan"),
        "cppv_cp_visit_date": ("date", "day"), "cppv_cp_visit_seen": ("text", "seen"),
        "cppv_cp_visit_seen_alone": ("text", "alone")}),
    "ssd_cp_reviews": Spec("cp_reviews", "CPR", ("day",), {
        "cppr_cp_review_id": _id(), "cppr_person_id": ("person", "person"),
        "cppr_cp_plan_id": ("ref", "cp_plans", "plan"),
        "cppr_cp_review_due": ("date", "due"), "cppr_cp_review_date": ("date", "day")}),
    "ssd_cla_episodes": Spec("episodes", "E", ("start",), {
        "clae_cla_episode_id": _id(), "clae_person_id": ("person", "person"),
        "clae_cla_id": ("ref", "periods", "period"),
        "clae_cla_episode_start_date": ("date", "start"), "clae_cla_episode_start_reason": ("text", "start_reason"),
        "clae_cla_primary_need_code": ("text", "need"), "clae_cla_episode_ceased_date": ("date", "end"),
        "clae_cla_episode_ceased_reason": ("text", "end_reason"), "clae_entered_care_date": ("date", "entered")}),
    "ssd_legal_status": Spec("legal", "LS", ("start",), {
        "lega_legal_status_id": _id(), "lega_person_id": ("person", "person"), "lega_legal_status": ("text", "code"),
        "lega_legal_status_start_date": ("date", "start"), "lega_legal_status_end_date": ("date", "end")}),
    "ssd_cla_placement": Spec("placements", "PL", ("start",), {
        "clap_cla_placement_id": _id(), "clap_person_id": ("person", "person"),
        "clap_cla_id": ("ref", "periods", "period"), "clap_cla_placement_start_date": ("date", "start"),
        "clap_cla_placement_end_date": ("date", "end"), "clap_cla_placement_type": ("text", "type"),
        "clap_cla_placement_provider": ("text", "provider"), "clap_cla_placement_distance": ("text", "distance"),
        "clap_cla_placement_postcode": ("text", "postcode"), "clap_cla_placement_urn": ("text", "urn"),
        "clap_cla_placement_change_reason": ("text", "change_reason")}),
    "ssd_cla_reviews": Spec("cla_reviews", "CLR", ("day",), {
        "clar_cla_review_id": _id(), "clar_cla_id": ("ref", "periods", "period"),
        "clar_cla_review_due_date": ("date", "due"), "clar_cla_review_date": ("date", "day"),
        "clar_cla_review_cancelled": ("text", "cancelled"),
        "clar_cla_review_participation": ("text", "participation")}),
    "ssd_cla_visits": Spec("cla_visits", "CLV", ("day",), {
        "clav_cla_visit_id": _id(), "clav_person_id": ("person", "person"), "clav_cla_id": ("ref", "periods", "period"),
        "clav_cla_visit_date": ("date", "day"), "clav_cla_visit_seen": ("text", "seen"),
        "clav_cla_visit_seen_alone": ("text", "alone")}),
    "ssd_cla_health": Spec("health", "HC", ("day",), {
        "clah_health_check_id": _id(), "clah_person_id": ("person", "person"),
        "clah_health_check_type": ("text", "kind"),
        "clah_health_check_date": ("date", "day"), "clah_health_check_status": ("text", "status")}),
    "ssd_cla_immunisations": Spec("immunisations", "", ("day",), {
        "clai_person_id": ("person", "person"), "clai_immunisations_status": ("text", "status"),
        "clai_immunisations_status_date": ("date", "day")}),
    "ssd_sdq_scores": Spec("sdq", "SDQ", ("day",), {
        "csdq_table_id": _id(), "csdq_person_id": ("person", "person"), "csdq_sdq_completed_date": ("date", "day"),
        "csdq_sdq_score": ("text", "score"), "csdq_sdq_reason": ("text", "reason")}),
    "ssd_missing": Spec("missing", "MS", ("start",), {
        "miss_table_id": _id(), "miss_person_id": ("person", "person"),
        "miss_missing_episode_start_date": ("date", "start"), "miss_missing_episode_end_date": ("date", "end"),
        "miss_missing_episode_type": ("text", "kind"), "miss_missing_rhi_offered": ("text", "offered"),
        "miss_missing_rhi_accepted": ("text", "accepted")}),
    "ssd_care_leavers": Spec("care_leavers", "CL", ("day",), {
        "clea_table_id": _id(), "clea_person_id": ("person", "person"),
        "clea_care_leaver_eligibility": ("text", "eligibility"), "clea_care_leaver_in_touch": ("text", "in_touch"),
        "clea_care_leaver_latest_contact": ("date", "day"), "clea_care_leaver_accommodation": ("text", "accommodation"),
        "clea_care_leaver_accom_suitable": ("text", "suitable"), "clea_care_leaver_activity": ("text", "activity"),
        "clea_pathway_plan_review_date": ("date", "review")}),
    "ssd_permanence": Spec("permanence", "PM", ("adm",), {
        "perm_table_id": _id(), "perm_person_id": ("person", "person"), "perm_cla_id": ("ref", "periods", "period"),
        "perm_adm_decision_date": ("date", "adm"), "perm_placement_order_date": ("date", "po"),
        "perm_matched_date": ("date", "matched"), "perm_placed_for_adoption_date": ("date", "placed"),
        "perm_permanence_order_date": ("date", "order_day"), "perm_permanence_order_type": ("text", "order_type"),
        "perm_decision_reversed_date": ("date", "reversed_on")}),
    "ssd_immigration_status": Spec("immigration", "IM", ("start",), {
        "immi_immigration_status_id": _id(), "immi_person_id": ("person", "person"),
        "immi_immigration_status": ("text", "status"), "immi_immigration_status_start_date": ("date", "start"),
        "immi_immigration_status_end_date": ("date", "end")}),
    "ssd_disability": Spec("disability", "DS", (), {
        "disa_table_id": _id(), "disa_person_id": ("person", "person"), "disa_disability_code": ("text", "code")}),
    "ssd_professionals": Spec("professionals", "W", (), {
        "prof_professional_id": _id(), "prof_professional_job_title": ("text", "job_title"),
        "prof_professional_caseload": ("text", "caseload"), "prof_full_time_equivalency": ("text", "fte"),
        "prof_agency_worker_flag": ("text", "agency")}),
    "ssd_involvements": Spec("involvements", "IV", ("start",), {
        "invo_involvements_id": _id(), "invo_professional_id": ("ref", "professionals", "professional"),
        "invo_person_id": ("person", "person"), "invo_involvement_start_date": ("date", "start"),
        "invo_involvement_end_date": ("date", "end"), "invo_professional_team": ("ref", "teams", "team")}),
    "ssd_department": Spec("teams", "T", (), {
        "dept_team_id": _id(), "dept_team_name": ("text", "name"), "dept_team_parent_id": ("ref", "teams", "parent")}),
}

# Periods of care are referenced (clae_cla_id) but are not an SSD object of their own.
_PERIOD_PREFIX = "CLA"
_REFERRAL_CHILDREN = ("assessments", "s47", "icpc", "cp_plans", "cin_plans")


def keep_masks(ctx: Context, rec: Records, kept_periods: np.ndarray) -> dict[str, np.ndarray]:
    """Rows of each internal table the extract holds (before persons, which follow from the rest)."""
    masks: dict[str, np.ndarray] = {}
    ref = rec.get("referrals")
    masks["referrals"] = (ref["day"] >= ctx.keep_from) | (ref["close"] >= ctx.start) if ref else np.zeros(0, bool)
    for table in _REFERRAL_CHILDREN:
        data = rec.get(table)
        masks[table] = masks["referrals"][data["referral"]] if data else np.zeros(0, bool)
    masks["assessment_factors"] = _follows(rec, "assessment_factors", "assessment", masks["assessments"])
    masks["cp_visits"] = _follows(rec, "cp_visits", "plan", masks["cp_plans"])
    masks["cp_reviews"] = _follows(rec, "cp_reviews", "plan", masks["cp_plans"])
    masks["cin_visits"] = _follows(rec, "cin_visits", "plan", masks["cin_plans"])
    contacts = rec.get("contacts")
    masks["contacts"] = contacts["day"] >= ctx.keep_from if contacts else np.zeros(0, bool)
    eh = rec.get("early_help")
    masks["early_help"] = (eh["start"] >= ctx.keep_from) | (eh["end"] >= ctx.start) if eh else np.zeros(0, bool)
    masks["periods"] = np.zeros(rec.count("periods"), bool)
    masks["periods"][kept_periods] = True
    return masks


def _follows(rec: Records, table: str, column: str, parent: np.ndarray) -> np.ndarray:
    data = rec.get(table)
    return parent[data[column]] if data else np.zeros(0, bool)


def _labels(prefix: str, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=object)
    width = max(6, len(str(n)))
    numbers = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


class Ids:
    """Public ids of kept rows, in date order, for every internal table (blank for rows not kept)."""

    def __init__(self) -> None:
        self.by_table: dict[str, np.ndarray] = {}
        self.order: dict[str, np.ndarray] = {}

    def assign(self, table: str, prefix: str, kept_rows: np.ndarray, size: int) -> None:
        ids = np.full(size, "", dtype=object)
        ids[kept_rows] = _labels(prefix, len(kept_rows)) if prefix else ""
        self.by_table[table] = ids
        self.order[table] = kept_rows

    def of(self, table: str, rows: np.ndarray) -> np.ndarray:
        ids = self.by_table[table]
        rows = np.asarray(rows, dtype="int64")
        return np.where(rows >= 0, ids[np.maximum(rows, 0)], "").astype(object)


def render(rec: Records, persons: dict[str, np.ndarray], masks: dict[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Every SSD object an indicator reads, as a frame with exactly its contract's columns, in their order."""
    return render_with_ids(rec, persons, masks)[0]


def render_with_ids(rec: Records, persons: dict[str, np.ndarray],
                    masks: dict[str, np.ndarray]) -> tuple[dict[str, pd.DataFrame], Ids]:
    """`render`, and the public ids it gave (the other feeds name children and teams by them)."""
    tables = {name: rec.get(spec.source) for name, spec in SPECS.items() if spec.source != "persons"}
    tables["ssd_person"] = persons
    kept = {name: _kept_rows(masks.get(spec.source), tables[name]) for name, spec in SPECS.items()}
    person_rank = _person_order(tables, kept, persons)
    ids = Ids()
    ids.assign("persons", "P", person_rank, len(persons["dob"]))
    kept["ssd_person"] = person_rank
    for name, spec in SPECS.items():
        if name == "ssd_person":
            continue
        rows = _ordered(tables[name], kept[name], spec.order, ids)
        kept[name] = rows
        ids.assign(spec.source, spec.prefix, rows, _size(tables[name]))
    periods = rec.get("periods")
    period_rows = np.flatnonzero(masks["periods"]) if periods else np.zeros(0, dtype="int64")
    if periods:
        period_rows = period_rows[np.lexsort((period_rows, periods["entry"][period_rows]))]
    ids.assign("periods", _PERIOD_PREFIX, period_rows, len(masks["periods"]))

    out: dict[str, pd.DataFrame] = {}
    for table in CONTRACT.tables:
        if table.table not in SPECS:  # the objects no indicator reads: `other_objects`, from these frames
            continue
        spec = SPECS[table.table]
        out[table.table] = _frame(spec, tables[table.table], kept[table.table], ids, table.column_names)
    return out, ids


def _size(data: dict[str, np.ndarray]) -> int:
    return len(next(iter(data.values()))) if data else 0


def _kept_rows(mask: np.ndarray | None, data: dict[str, np.ndarray]) -> np.ndarray:
    n = _size(data)
    return np.arange(n) if mask is None else np.flatnonzero(mask)


def _ordered(data: dict[str, np.ndarray], rows: np.ndarray, order: tuple[str, ...], ids: Ids) -> np.ndarray:
    if not data:
        return rows
    keys: list[np.ndarray] = [rows]
    if "person" in data:
        keys.append(_person_position(ids, data["person"][rows]))
    keys += [data[c][rows] for c in reversed(order)]
    return rows[np.lexsort(keys)]


def _person_position(ids: Ids, person: np.ndarray) -> np.ndarray:
    position = np.full(len(ids.by_table["persons"]), -1)
    position[ids.order["persons"]] = np.arange(len(ids.order["persons"]))
    return position[person]


def _person_order(tables: dict[str, dict[str, np.ndarray]], kept: dict[str, np.ndarray],
                  persons: dict[str, np.ndarray]) -> np.ndarray:
    """Persons referenced by any kept row, in order of their first appearance."""
    n = len(persons["dob"])
    first_seen = np.full(n, NA)
    for name, spec in SPECS.items():
        data = tables[name]
        if name == "ssd_person" or not data or "person" not in data:
            continue
        rows = kept[name]
        when = data[spec.order[0]][rows] if spec.order else np.full(len(rows), NA - 1)
        np.minimum.at(first_seen, data["person"][rows], np.minimum(when, NA - 1))
    used = np.flatnonzero(first_seen < NA)
    return used[np.lexsort((used, first_seen[used]))]


def _frame(spec: Spec, data: dict[str, np.ndarray], rows: np.ndarray, ids: Ids,
           column_names: tuple[str, ...]) -> pd.DataFrame:
    if not data:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in column_names})
    columns: dict[str, np.ndarray] = {}
    for name in column_names:
        kind = spec.columns[name]
        if kind[0] == "id":
            columns[name] = ids.by_table[spec.source][rows]
        elif kind[0] == "person":
            columns[name] = ids.of("persons", data[kind[1]][rows])
        elif kind[0] == "ref":
            columns[name] = ids.of(kind[1], data[kind[2]][rows])
        elif kind[0] == "date":
            columns[name] = to_text(data[kind[1]][rows])
        else:
            columns[name] = np.asarray(data[kind[1]][rows], dtype=object)
    return pd.DataFrame(columns, columns=list(column_names))


def persons_table(ctx: Context, people_columns: dict[str, np.ndarray], rec: Records) -> dict[str, np.ndarray]:
    """ssd_person columns for every registered child (rendering keeps those referenced)."""
    rng = ctx.rng("persons")
    dob = people_columns["dob"]
    n = len(dob)
    death = np.full(n, NA)
    deaths = rec.get("deaths")
    if deaths:
        death[deaths["person"]] = deaths["day"]
    unborn = is_na(dob)
    under5 = ~unborn & (birthday(dob, 5) > ctx.end)
    uasc = np.zeros(n, bool)
    immigration = rec.get("immigration")
    if immigration:
        uasc[immigration["person"]] = True
    upn_unknown = np.select([unborn, under5, uasc], ["", "UN2", "UN3"], "").astype(object)
    nhs = _nhs_numbers(rng, n)
    nhs = np.where(unborn | (rng.random(n) < 0.04), "", nhs).astype(object)
    return {"dob": dob, "expected_dob": people_columns["expected_dob"], "sex": people_columns["sex"],
            "ethnicity": people_columns["ethnicity"], "death": death, "upn_unknown": upn_unknown,
            "nhs_number": nhs}


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Synthetic NHS numbers in the 999 test range with a valid modulus 11 check digit."""
    body = np.column_stack([np.full((n, 3), 9), rng.integers(0, 10, (n, 6))])
    total = (body * np.arange(10, 1, -1)).sum(axis=1)
    check = (11 - total % 11) % 11
    valid = check != 10
    body[~valid, 8] = (body[~valid, 8] + 1) % 10  # nudge a digit until the check digit is valid
    total = (body * np.arange(10, 1, -1)).sum(axis=1)
    check = (11 - total % 11) % 11
    number = (np.column_stack([body, check]) * 10 ** np.arange(9, -1, -1, dtype="int64")).sum(axis=1)
    text = number.astype(str).astype(object)
    return np.where(check == 10, "", text).astype(object)
