"""Independent reference, continued: children looked after and permanence indicators recomputed in plain
Python from the landing CSVs, following docs/specs/INDICATORS.md and the tie-breaks the catalogue states (the latest-
starting open placement or legal status, then the highest id)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from tests.integration.test_indicators_reference import PERIODS, d, open_at, rows
from tests.integration.test_indicators_reference_cp import flag


def age_at(dob: date, at: date) -> int:
    return at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))


def latest_open(records: list[dict], start: str, end: str, key: str, at: date) -> dict | None:
    live = [r for r in records if open_at(d(r[start]), d(r[end]), at)]
    return max(live, key=lambda r: (d(r[start]), r[key])) if live else None


def reference_values(landing, start: date, end: date) -> dict[str, tuple]:
    def in_period(x: date | None) -> bool:
        return x is not None and start <= x <= end

    episodes = rows(landing, "ssd_cla_episodes")
    legal = defaultdict(list)
    for l in rows(landing, "ssd_legal_status"):
        legal[l["lega_person_id"]].append(l)
    placements = defaultdict(list)
    for p in rows(landing, "ssd_cla_placement"):
        placements[p["clap_person_id"]].append(p)
    dob = {p["pers_person_id"]: d(p["pers_dob"]) for p in rows(landing, "ssd_person")}

    open_eps = defaultdict(list)
    for e in episodes:
        if open_at(d(e["clae_cla_episode_start_date"]), d(e["clae_cla_episode_ceased_date"]), end):
            open_eps[e["clae_person_id"]].append(e)
    short_break = {c for c in open_eps if any(
        l["lega_legal_status"].strip().upper() in {"V3", "V4"}
        and open_at(d(l["lega_legal_status_start_date"]), d(l["lega_legal_status_end_date"]), end) for l in legal[c])}
    cla = {c: max(eps, key=lambda e: (d(e["clae_cla_episode_start_date"]), e["clae_cla_episode_id"]))
           for c, eps in open_eps.items() if c not in short_break}

    out: dict[str, tuple] = {}
    out["CLA_STARTS"] = (float(sum(e["clae_cla_episode_start_reason"].strip().upper() == "S"
                                   and in_period(d(e["clae_cla_episode_start_date"])) for e in episodes)), None)
    starts_by_child = defaultdict(set)
    for e in episodes:
        starts_by_child[e["clae_person_id"]].add(d(e["clae_cla_episode_start_date"]))
    out["CLA_CEASED"] = (float(sum(in_period(d(e["clae_cla_episode_ceased_date"]))
                                   and d(e["clae_cla_episode_ceased_date"]) not in starts_by_child[e["clae_person_id"]]
                                   for e in episodes)), None)
    uasc = {i["immi_person_id"] for i in rows(landing, "ssd_immigration_status")
            if i["immi_immigration_status"].strip().upper() == "UASC"
            and open_at(d(i["immi_immigration_status_start_date"]), d(i["immi_immigration_status_end_date"]), end)}
    out["CLA_UASC_COUNT"] = (float(len(set(cla) & uasc)), None)
    s20 = 0
    for c in cla:
        status = latest_open(legal[c], "lega_legal_status_start_date", "lega_legal_status_end_date", "lega_legal_status_id", end)
        s20 += status is not None and status["lega_legal_status"].strip().upper() == "V2"
    out["CLA_S20_PCT"] = (float(s20), float(len(cla)))

    three_plus = foster = resi = known_distance = far = lts_num = lts_den = 0
    year_ago = end + relativedelta(months=-12)
    for c, episode in cla.items():
        recent = {p["clap_cla_placement_id"] for p in placements[c]
                  if d(p["clap_cla_placement_start_date"]) <= end
                  and (d(p["clap_cla_placement_end_date"]) is None or d(p["clap_cla_placement_end_date"]) > year_ago)}
        three_plus += len(recent) >= 3
        placement = latest_open(placements[c], "clap_cla_placement_start_date", "clap_cla_placement_end_date",
                                "clap_cla_placement_id", end)
        ptype = placement["clap_cla_placement_type"].strip().upper() if placement else ""
        foster += ptype.startswith("U")
        resi += ptype in {"K1", "K2"}
        if placement and placement["clap_cla_placement_distance"].strip():
            known_distance += 1
            far += float(placement["clap_cla_placement_distance"]) > 20
        born = dob.get(c)
        if born and age_at(born, end) < 16 and d(episode["clae_entered_care_date"]) <= end + relativedelta(months=-30):
            lts_den += 1
            lts_num += bool(placement) and d(placement["clap_cla_placement_start_date"]) <= end + relativedelta(months=-24)
    out["CLA_3PLUS_PCT"] = (float(three_plus), float(len(cla)))
    out["CLA_FOSTER_PCT"] = (float(foster), float(len(cla)))
    out["CLA_RESI_PCT"] = (float(resi), float(len(cla)))
    out["CLA_20MILES_PCT"] = (float(far), float(known_distance))
    out["CLA_LTS_PCT"] = (float(lts_num), float(lts_den))

    six_weeks = end - timedelta(days=42)
    in_scope = {c for c, e in cla.items() if d(e["clae_entered_care_date"]) <= six_weeks}
    visited = {v["clav_person_id"] for v in rows(landing, "ssd_cla_visits")
               if flag(v["clav_cla_visit_seen"]) and six_weeks < d(v["clav_cla_visit_date"]) <= end}
    out["CLA_VISIT_6W_PCT"] = (float(len(in_scope & visited)), float(len(in_scope)))

    held = [r for r in rows(landing, "ssd_cla_reviews")
            if in_period(d(r["clar_cla_review_date"])) and not flag(r["clar_cla_review_cancelled"])]
    out["CLA_REVIEW_TS_PCT"] = (float(sum(d(r["clar_cla_review_due_date"]) is not None
                                          and d(r["clar_cla_review_date"]) <= d(r["clar_cla_review_due_date"]) for r in held)),
                                float(len(held)))
    coded = [r["clar_cla_review_participation"].strip().upper() for r in held]
    coded = [c for c in coded if c and c != "PN0"]
    out["CLA_PARTICIPATION_PCT"] = (float(sum(c in {f"PN{i}" for i in range(1, 7)} for c in coded)), float(len(coded)))

    missing = [m for m in rows(landing, "ssd_missing") if m["miss_missing_episode_type"].strip().upper() == "M"]
    out["MISSING_EPISODES"] = (float(sum(in_period(d(m["miss_missing_episode_start_date"])) for m in missing)), None)
    ended = [m for m in missing if in_period(d(m["miss_missing_episode_end_date"]))]
    offered = [m for m in ended if flag(m["miss_missing_rhi_offered"])]
    out["RHI_OFFERED_PCT"] = (float(len(offered)), float(len(ended)))
    out["RHI_ACCEPTED_PCT"] = (float(sum(flag(m["miss_missing_rhi_accepted"]) for m in offered)), float(len(offered)))

    ceased = [e for e in episodes if in_period(d(e["clae_cla_episode_ceased_date"]))]
    out["ADOPT_COUNT"] = (float(sum(e["clae_cla_episode_ceased_reason"].strip().upper() in {"E11", "E12"} for e in ceased)), None)
    out["SGO_COUNT"] = (float(sum(e["clae_cla_episode_ceased_reason"].strip().upper() in {"E43", "E44"} for e in ceased)), None)
    return out


@pytest.mark.parametrize("period_label", sorted(PERIODS))
def test_mart_matches_the_reference_computation(pipeline, period_label):
    start, end, _ = PERIODS[period_label]
    expected = reference_values(pipeline.landing, start, end)
    con = pipeline.connect()
    actual = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            "select indicator_id, numerator, denominator from marts.fct_indicator_values "
            "where la_code = '841' and period_label = ?",
            [period_label],
        ).fetchall()
    }
    mismatches = {i: (actual.get(i), want) for i, want in expected.items() if actual.get(i) != want}
    assert not mismatches, mismatches
