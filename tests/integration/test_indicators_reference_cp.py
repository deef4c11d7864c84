"""Independent reference, continued: the front-door, child protection and CIN indicators recomputed in plain
Python from the landing CSVs, straight from docs/specs/INDICATORS.md, compared with the mart exactly."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from tests.integration.test_indicators_reference import PERIODS, YES, d, open_at, population, rows, working_days


def flag(value: str) -> bool:
    return (value or "").strip().upper() in YES


def reference_values(landing, start: date, end: date, fy_start: int) -> dict[str, tuple]:
    def in_period(x: date | None) -> bool:
        return x is not None and start <= x <= end

    out: dict[str, tuple] = {}
    contacts = rows(landing, "ssd_contacts")
    out["CONT_COUNT"] = (float(sum(in_period(d(c["cont_contact_date"])) for c in contacts)), None)

    eh = rows(landing, "ssd_early_help_episodes")
    out["EH_STARTS"] = (float(sum(in_period(d(e["earl_episode_start_date"])) for e in eh)), None)
    ended = [e for e in eh if in_period(d(e["earl_episode_end_date"]))]
    out["EH_PROGRESS_PCT"] = (float(sum(e["earl_episode_end_reason"].strip().upper() in {"NEEDS_MET", "STEP_DOWN"} for e in ended)), float(len(ended)))

    refs = [r for r in rows(landing, "ssd_cin_episodes") if in_period(d(r["cine_referral_date"]))]
    out["REF_NFA_PCT"] = (float(sum(flag(r["cine_referral_nfa"]) for r in refs)), float(len(refs)))

    asmts = [a for a in rows(landing, "ssd_cin_assessments") if in_period(d(a["cina_assessment_auth_date"]))]
    out["ASMT_COUNT"] = (float(len(asmts)), None)
    out["ASMT_RATE"] = (float(len(asmts)), population(landing, fy_start))
    days = [working_days(d(a["cina_assessment_start_date"]), d(a["cina_assessment_auth_date"])) for a in asmts]
    out["ASMT_AVG_WD"] = (float(sum(days)), float(len(days)))
    out["ASMT_NFA_PCT"] = (float(sum(flag(a["cina_assessment_outcome_nfa"]) for a in asmts)), float(len(asmts)))

    s47 = rows(landing, "ssd_s47_enquiry")
    started = [s for s in s47 if in_period(d(s["s47e_s47_start_date"]))]
    out["S47_COUNT"] = (float(len(started)), None)
    out["S47_RATE"] = (float(len(started)), population(landing, fy_start))
    linked = {i["icpc_s47_enquiry_id"] for i in rows(landing, "ssd_initial_cp_conference")}
    s47_ended = [s for s in s47 if in_period(d(s["s47e_s47_end_date"]))]
    out["S47_TO_ICPC_PCT"] = (float(sum(s["s47e_s47_enquiry_id"] in linked for s in s47_ended)), float(len(s47_ended)))

    plans = rows(landing, "ssd_cp_plans")
    by_child = defaultdict(list)
    for p in plans:
        by_child[p["cppl_person_id"]].append((d(p["cppl_cp_plan_start_date"]), d(p["cppl_cp_plan_end_date"])))
    plan_starts = [p for p in plans if in_period(d(p["cppl_cp_plan_start_date"]))]
    out["CPP_STARTS"] = (float(len(plan_starts)), None)
    second = second_2y = 0
    for p in plan_starts:
        s = d(p["cppl_cp_plan_start_date"])
        earlier = [(es, ee) for es, ee in by_child[p["cppl_person_id"]] if es < s]
        second += bool(earlier)
        second_2y += any(ee is not None and s + relativedelta(months=-24) <= ee <= s for _, ee in earlier)
    out["CPP_SECOND_PCT"] = (float(second), float(len(plan_starts)))
    out["CPP_SECOND_2Y_PCT"] = (float(second_2y), float(len(plan_starts)))
    plan_ends = [p for p in plans if in_period(d(p["cppl_cp_plan_end_date"]))]
    out["CPP_ENDED_2Y_PCT"] = (
        float(sum(d(p["cppl_cp_plan_end_date"]) >= d(p["cppl_cp_plan_start_date"]) + relativedelta(months=24) for p in plan_ends)),
        float(len(plan_ends)),
    )
    open_plans = [p for p in plans if open_at(d(p["cppl_cp_plan_start_date"]), d(p["cppl_cp_plan_end_date"]), end)]
    out["CPP_NEGLECT_PCT"] = (float(sum(p["cppl_cp_plan_latest_category"].strip().upper() == "NEG" for p in open_plans)), float(len(open_plans)))
    in_scope = {p["cppl_person_id"] for p in open_plans if working_days(d(p["cppl_cp_plan_start_date"]), end) >= 10}
    seen = {v["cppv_person_id"] for v in rows(landing, "ssd_cp_visits")
            if flag(v["cppv_cp_visit_seen"]) and d(v["cppv_cp_visit_date"]) <= end
            and working_days(d(v["cppv_cp_visit_date"]), end) <= 10}
    out["CPP_VISIT_10WD_PCT"] = (float(len(in_scope & seen)), float(len(in_scope)))
    reviews = [r for r in rows(landing, "ssd_cp_reviews") if in_period(d(r["cppr_cp_review_date"]))]
    out["CPP_REVIEW_TS_PCT"] = (float(sum(d(r["cppr_cp_review_date"]) <= d(r["cppr_cp_review_due"]) for r in reviews)), float(len(reviews)))

    cin = {r["cine_person_id"] for r in rows(landing, "ssd_cin_episodes")
           if not flag(r["cine_referral_nfa"]) and open_at(d(r["cine_referral_date"]), d(r["cine_close_date"]), end)}
    out["CIN_COUNT"] = (float(len(cin)), None)
    out["CIN_RATE"] = (float(len(cin)), population(landing, fy_start))
    cinp = {p["cinp_person_id"] for p in rows(landing, "ssd_cin_plans")
            if open_at(d(p["cinp_cin_plan_start_date"]), d(p["cinp_cin_plan_end_date"]), end)}
    out["CINP_COUNT"] = (float(len(cinp)), None)
    return out


@pytest.mark.parametrize("period_label", sorted(PERIODS))
def test_mart_matches_the_reference_computation(pipeline, period_label):
    start, end, fy_start = PERIODS[period_label]
    expected = reference_values(pipeline.landing, start, end, fy_start)
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
