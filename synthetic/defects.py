"""Planted data quality defects: `csw generate --defects NAME[,NAME…]|all`.

Each defect changes one record of the generated landing folder in a way a real extract goes wrong, and
names the check that must catch it (`suite`, `check_name` as stored in `dq.check_results`). The test
suite plants them all and asserts each named check fails, while clean generated data passes every
blocking check. Defects are planted after the landing is built and before it is written, with their own
random stream from the same seed: same arguments, same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Defect:
    name: str
    description: str
    suite: str  # the check that catches it
    check_name: str
    severity: str  # of that check under the shipped policy (expectations/policy.yml): blocking stops the return
    plant: Callable[[Frames, np.random.Generator, date], str]  # returns the id of the record it broke

    @property
    def check(self) -> str:
        return f"{self.suite} / {self.check_name}"


class UnknownDefect(ValueError):
    """A --defects name that is not in the catalogue; the message lists the known ones."""


def _iso(d: date) -> str:
    return d.isoformat()


def _day(text: str) -> date:
    return date.fromisoformat(str(text)[:10])


def _pick(frame: pd.DataFrame, mask: pd.Series, rng: np.random.Generator, what: str) -> int:
    """The index label of one row satisfying `mask`, drawn from the defect's own stream."""
    candidates = frame.index[mask.to_numpy()]
    if len(candidates) == 0:
        raise ValueError(f"cannot plant a defect: no {what} in the generated data (too small a --scale?)")
    return candidates[int(rng.integers(len(candidates)))]


def _newest(frames: Frames, prefix: str) -> str:
    """Path of the newest dated file of an incremental feed (e.g. `health/health_assessments_`)."""
    paths = sorted(p for p in frames if p.startswith(prefix))
    if not paths:
        raise ValueError(f"cannot plant a defect: no {prefix}*.csv file was generated")
    return paths[-1]


def _cp_plan_before_referral(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    plans = frames["case_system/ssd_cp_plans.csv"]
    referrals = frames["case_system/ssd_cin_episodes.csv"].set_index("cine_referral_id")["cine_referral_date"]
    i = _pick(plans, plans["cppl_referral_id"].isin(referrals.index), rng, "CP plan")
    referral_date = _day(referrals[plans.at[i, "cppl_referral_id"]])
    plans.at[i, "cppl_cp_plan_start_date"] = _iso(referral_date - timedelta(days=14))
    return str(plans.at[i, "cppl_cp_plan_id"])


def _assessment_authorised_before_start(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    assessments = frames["case_system/ssd_cin_assessments.csv"]
    i = _pick(assessments, assessments["cina_assessment_auth_date"].astype(str) != "", rng, "authorised assessment")
    start = _day(assessments.at[i, "cina_assessment_start_date"])
    assessments.at[i, "cina_assessment_auth_date"] = _iso(start - timedelta(days=3))
    return str(assessments.at[i, "cina_assessment_id"])


def _overlapping_cla_episodes(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    episodes = frames["case_system/ssd_cla_episodes.csv"]
    ordered = episodes.sort_values(["clae_person_id", "clae_cla_episode_start_date"])
    later = ordered.groupby("clae_person_id")["clae_cla_episode_start_date"].shift(-1)
    has_next = later.notna() & (ordered["clae_cla_episode_ceased_date"].astype(str) != "")
    i = _pick(ordered, has_next, rng, "CLA episode followed by another")
    episodes.at[i, "clae_cla_episode_ceased_date"] = _iso(_day(later[i]) + timedelta(days=10))
    return str(episodes.at[i, "clae_cla_episode_id"])


def _orphan_placement(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    placements = frames["case_system/ssd_cla_placement.csv"]
    i = _pick(placements, placements["clap_cla_id"].astype(str) != "", rng, "placement")
    placements.at[i, "clap_cla_id"] = "CLA-NOT-IN-EXTRACT"
    return str(placements.at[i, "clap_cla_placement_id"])


def _unknown_placement_type(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    placements = frames["case_system/ssd_cla_placement.csv"]
    i = _pick(placements, placements["clap_cla_placement_type"].astype(str) != "", rng, "placement")
    placements.at[i, "clap_cla_placement_type"] = "Q9"
    return str(placements.at[i, "clap_cla_placement_id"])


def _future_contact_date(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    contacts = frames["case_system/ssd_contacts.csv"]
    i = _pick(contacts, contacts["cont_contact_date"].astype(str) != "", rng, "contact")
    contacts.at[i, "cont_contact_date"] = _iso(extract + timedelta(days=30))
    return str(contacts.at[i, "cont_contact_id"])


def _duplicate_health_key(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    path = _newest(frames, "health/health_assessments_")
    health = frames[path]
    i = _pick(health, health["assessment_id"].astype(str) != "", rng, "health assessment")
    frames[path] = pd.concat([health, health.loc[[i]]], ignore_index=True)
    return path.rsplit("/", 1)[1]


def _health_for_unknown_child(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    # an older health file, so the duplicate-key defect (which quarantines the newest) cannot hide it, and an
    # assessment no later file restates (staging reads the newest row of each assessment_id)
    paths = sorted(p for p in frames if p.startswith("health/health_assessments_"))
    path = paths[0]
    health = frames[path]
    restated = set().union(*(set(frames[p]["assessment_id"].astype(str)) for p in paths[1:]))
    mask = (health["person_id"].astype(str) != "") & ~health["assessment_id"].astype(str).isin(restated)
    i = _pick(health, mask, rng, "health assessment")
    health.at[i, "person_id"] = "P-NOT-IN-EXTRACT"
    return str(health.at[i, "assessment_id"])


def _police_report_without_episode(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    persons = frames["case_system/ssd_person.csv"]
    missing = set(frames["case_system/ssd_missing.csv"]["miss_person_id"].astype(str))
    i = _pick(persons, ~persons["pers_person_id"].astype(str).isin(missing), rng, "child never missing")
    path = _newest(frames, "partners/police_missing_")
    reported = extract - timedelta(days=5)
    row = {"incident_ref": "NP-PLANTED-1", "person_id": persons.at[i, "pers_person_id"], "reported_date": _iso(reported),
           "found_date": _iso(reported + timedelta(days=1)), "risk_level": "MEDIUM"}
    frames[path] = pd.concat([frames[path], pd.DataFrame([row])], ignore_index=True)
    return row["incident_ref"]


def _workforce_team_unknown(frames: Frames, rng: np.random.Generator, extract: date) -> str:
    path = _newest(frames, "workforce/workforce_")
    workforce = frames[path]
    i = _pick(workforce, workforce["team_id"].astype(str) != "", rng, "workforce team")
    row = workforce.loc[[i]].assign(team_id="T-NOT-IN-CASE-SYSTEM", team_name="Restructured Team")
    frames[path] = pd.concat([workforce, row], ignore_index=True)
    return "T-NOT-IN-CASE-SYSTEM"


DEFECTS: dict[str, Defect] = {d.name: d for d in (
    Defect("cp_plan_before_referral", "a CP plan starting two weeks before its referral",
           "dfe_validation", "CIN 1105", "warning", _cp_plan_before_referral),
    Defect("assessment_authorised_before_start", "an assessment authorised three days before it started",
           "dfe_validation", "CIN 8608", "warning", _assessment_authorised_before_start),
    Defect("overlapping_cla_episodes", "a CLA episode ceasing ten days after the child's next episode started",
           "dfe_validation", "903 501", "warning", _overlapping_cla_episodes),
    Defect("orphan_placement", "a placement recorded against a period of care not in the extract",
           "staging_relationships", "cla_placements_start_within_an_episode", "blocking", _orphan_placement),
    Defect("unknown_placement_type", "a placement type outside the SSDA903 code list",
           "raw_case_system__ssd_cla_placement", "expect_column_values_to_be_in_set(clap_cla_placement_type)",
           "warning", _unknown_placement_type),
    Defect("future_contact_date", "a contact dated 30 days after the extract date",
           "raw_case_system__ssd_contacts", "expect_column_values_to_be_between(cont_contact_date)", "warning",
           _future_contact_date),
    Defect("duplicate_health_key", "the newest health file repeats an assessment_id, so the file is quarantined",
           "loads", "quarantined_files_are_resent", "blocking", _duplicate_health_key),
    Defect("health_for_unknown_child", "a health assessment for a person id the case system does not know",
           "staging_relationships", "health__assessments_are_for_known_children", "warning",
           _health_for_unknown_child),
    Defect("police_report_without_episode", "a police missing report for a child with no case-system missing "
           "episode", "reconciliation", "police_missing_reports_match_a_missing_episode", "warning",
           _police_report_without_episode),
    Defect("workforce_team_unknown", "a workforce team the case system has never heard of",
           "reconciliation", "workforce_teams_are_known_to_the_case_system", "warning", _workforce_team_unknown),
)}


def parse(names: str | Iterable[str] | None) -> list[Defect]:
    """`all`, `a,b` or a list of names → the defects, in catalogue order; an unknown name is refused."""
    if names is None:
        return []
    items = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    if "all" in items:
        return list(DEFECTS.values())
    unknown = [n for n in items if n not in DEFECTS]
    if unknown:
        raise UnknownDefect(f"unknown defect(s) {', '.join(unknown)}; known: all, {', '.join(DEFECTS)}")
    return [d for d in DEFECTS.values() if d.name in items]


def plant(frames: Frames, defects: Iterable[Defect], *, seed: int, extract: date) -> dict[str, str]:
    """Plant each defect in `frames` (changed in place); returns defect name → the record (or file) it broke."""
    planted = {}
    for defect in defects:
        rng = np.random.default_rng([seed, zlib.crc32(f"defect:{defect.name}".encode())])
        planted[defect.name] = defect.plant(frames, rng, extract)
    return planted
