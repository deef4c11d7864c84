"""What the SSDA903 return is built from: the SSD staging models, read once into plain rows.

Children are `child_key` here, as everywhere in the warehouse; only the writer swaps them for the
authority's own case-system ids (`child_ids`), because the return goes back to the authority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from foundation.warehouse import Connection, table_exists
from exports.errors import ExportRefused
from ingest.core.pseudonymise import CHILD_KEYS_TABLE

Row = dict[str, Any]

_STAGING = "staging.stg_case_system__"
QUERIES: dict[str, str] = {
    "persons": "select child_key, sex_code, ethnicity_code, birth_date from {s}persons",
    "cla_episodes": "select cla_episode_id, child_key, cla_id, start_date, primary_need_code, ceased_date, "
                    "ceased_reason_code from {s}cla_episodes",
    "legal_statuses": "select legal_status_id, child_key, legal_status_code, start_date, end_date from {s}legal_statuses",
    "placements": "select placement_id, child_key, cla_id, start_date, end_date, placement_type_code, "
                  "placement_provider_code, placement_urn, change_reason_code from {s}cla_placements",
    "reviews": "select cla_review_id, cla_id, review_date, is_cancelled, participation_code from {s}cla_reviews",
    "missing": "select missing_episode_id, child_key, start_date, end_date, missing_type_code from {s}missing_episodes",
    "care_leavers": "select care_leaver_record_id, child_key, latest_contact_date, in_touch_code, activity_code, "
                    "accommodation_code, is_accommodation_suitable from {s}care_leavers",
    "permanence": "select permanence_id, child_key, cla_id, adoption_decision_date, matched_date, "
                  "decision_reversed_date from {s}permanence",
    "previous_permanence": "select previous_permanence_id, child_key, previous_permanence_code, previous_permanence_la, "
                           "previous_permanence_order_date_text from {s}cla_previous_permanence",
    "immigration_statuses": "select immigration_status_id, child_key, immigration_status_code, start_date, end_date "
                            "from {s}immigration_statuses",
    "mothers": "select mother_record_id, mother_child_key, baby_child_key from {s}mothers",
    "involvements": "select involvement_id, professional_id, child_key, start_date, end_date from {s}involvements",
    "professionals": "select professional_id, job_title from {s}professionals",
    "sdq_scores": "select sdq_score_id, child_key, completed_date, sdq_score, sdq_reason_code from {s}sdq_scores",
    "health_checks": "select health_check_id, child_key, health_check_type_code, health_check_date, "
                     "health_check_status_code from {s}cla_health_checks",
    "immunisations": "select child_key, is_immunisations_up_to_date, status_date from {s}cla_immunisations",
    "convictions": "select cla_conviction_id, child_key, conviction_date from {s}cla_convictions",
    "substance_misuse": "select substance_misuse_id, child_key, identified_date, is_intervention_received "
                        "from {s}cla_substance_misuse",
}


@dataclass(frozen=True)
class Inputs:
    """One list of rows per staging model the return reads (the keys of QUERIES); a test gives only what it needs."""

    persons: list[Row] = field(default_factory=list)
    cla_episodes: list[Row] = field(default_factory=list)
    legal_statuses: list[Row] = field(default_factory=list)
    placements: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)
    missing: list[Row] = field(default_factory=list)
    care_leavers: list[Row] = field(default_factory=list)
    permanence: list[Row] = field(default_factory=list)
    previous_permanence: list[Row] = field(default_factory=list)
    immigration_statuses: list[Row] = field(default_factory=list)
    mothers: list[Row] = field(default_factory=list)
    involvements: list[Row] = field(default_factory=list)
    professionals: list[Row] = field(default_factory=list)
    sdq_scores: list[Row] = field(default_factory=list)
    health_checks: list[Row] = field(default_factory=list)
    immunisations: list[Row] = field(default_factory=list)
    convictions: list[Row] = field(default_factory=list)
    substance_misuse: list[Row] = field(default_factory=list)


def read_inputs(con: Connection, la_code: str) -> Inputs:
    """Every staging model the return reads, of authority `la_code` alone (every staging model carries `la_code`:
    a hub's warehouse holds several authorities, docs/regional-hub.md)."""
    missing = [name for name, sql in QUERIES.items() if not table_exists(con, "staging", _table_of(sql))]
    if missing:
        raise ExportRefused(f"the SSD staging models are not built ({', '.join(missing)}): run `csw build` first")
    return Inputs(**{name: _rows(con, sql.format(s=_STAGING) + " where la_code = $1", [la_code])
                     for name, sql in QUERIES.items()})


def child_ids(con: Connection, la_code: str, child_keys: set[str]) -> dict[str, str]:
    """child_key -> the authority's case-system person id (raw._child_keys); ExportRefused if one has none."""
    rows = con.execute(f"select child_key, person_id from {CHILD_KEYS_TABLE} where la_code = $1", [la_code]).fetchall()
    ids = {key: person_id for key, person_id in rows if key in child_keys}
    unknown = len(child_keys - ids.keys())
    if unknown:
        raise ExportRefused(f"{unknown} child(ren) of the return have no case-system id for LA {la_code} in "
                            f"{CHILD_KEYS_TABLE} (was the extract loaded under another CSW_LA_CODE?)")
    return ids


def _table_of(sql: str) -> str:
    return "stg_case_system__" + sql.split("{s}", 1)[1].split()[0]


def _rows(con: Connection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cursor = con.execute(sql, params) if params else con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, values)} for values in cursor.fetchall()]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value
