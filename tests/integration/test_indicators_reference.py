"""An independent reference: the eight foundation indicators recomputed in plain Python from the landing
CSVs (not from the warehouse), straight from docs/specs/INDICATORS.md, for a spread of periods. Every numerator and
denominator must match the mart exactly."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from dateutil.relativedelta import relativedelta

PERIODS = {
    "2024-25Q4": (date(2025, 1, 1), date(2025, 3, 31), 2024),
    "2022-23": (date(2022, 4, 1), date(2023, 3, 31), 2022),
    "2021-02": (date(2021, 2, 1), date(2021, 2, 28), 2020),
    "2019-20Q1": (date(2019, 4, 1), date(2019, 6, 30), 2019),
    "2023-12": (date(2023, 12, 1), date(2023, 12, 31), 2023),
}
YES = {"Y", "YES", "1", "TRUE", "T"}


def rows(landing: Path, name: str) -> list[dict[str, str]]:
    with open(landing / "case_system" / f"{name}.csv", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def d(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    if "/" in text:
        day, month, year = text[:10].split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text[:10])


_BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(2015, 2027))
_FIRST, _LAST = date(2000, 1, 1), date(2035, 12, 31)


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK


def _running_counts() -> list[int]:
    """counts[i]: the working days in (_FIRST, _FIRST + i days], by the same rule as a day-by-day count."""
    counts, n = [0], 0
    for i in range(1, (_LAST - _FIRST).days + 1):
        n += _is_working_day(_FIRST + timedelta(days=i))
        counts.append(n)
    return counts


_COUNTS = _running_counts()


def working_days(a: date, b: date) -> int:
    """The working days in (a, b] (B - A in the calendar numbering; negative when b is before a), counted from a
    running total of the day-by-day rule: the reference counts visits years before the period end, and a loop per
    call cost minutes."""
    if not (_FIRST <= a <= _LAST and _FIRST <= b <= _LAST):
        n, day = 0, min(a, b)
        while day < max(a, b):
            day += timedelta(days=1)
            n += _is_working_day(day)
        return n if a <= b else -n
    return _COUNTS[(b - _FIRST).days] - _COUNTS[(a - _FIRST).days]


def open_at(start: date | None, end: date | None, at: date) -> bool:
    return start is not None and start <= at and (end is None or end > at)


def population(landing: Path, fy_start: int) -> float | None:
    totals: dict[int, int] = defaultdict(int)
    with open(landing / "reference" / "population.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["la_code"] == "841" and r["age"] in {str(a) for a in range(18)}:
                totals[int(r["year"])] += int(r["population"])
    years = [y for y in totals if y <= fy_start]
    return float(totals[max(years)]) if years else None


def reference_values(landing: Path, start: date, end: date, fy_start: int) -> dict[str, tuple]:
    refs = rows(landing, "ssd_cin_episodes")
    by_child = defaultdict(list)
    for r in refs:
        by_child[r["cine_person_id"]].append(d(r["cine_referral_date"]))
    in_period = [r for r in refs if start <= d(r["cine_referral_date"]) <= end]
    reref = sum(
        any(d(r["cine_referral_date"]) + relativedelta(months=-12) <= other < d(r["cine_referral_date"])
            for other in by_child[r["cine_person_id"]])
        for r in in_period
    )
    asmts = [a for a in rows(landing, "ssd_cin_assessments")
             if d(a["cina_assessment_auth_date"]) and start <= d(a["cina_assessment_auth_date"]) <= end]
    asmt_ok = sum(working_days(d(a["cina_assessment_start_date"]), d(a["cina_assessment_auth_date"])) <= 45 for a in asmts)
    s47_start = {s["s47e_s47_enquiry_id"]: d(s["s47e_s47_start_date"]) for s in rows(landing, "ssd_s47_enquiry")}
    icpcs = [i for i in rows(landing, "ssd_initial_cp_conference")
             if start <= d(i["icpc_icpc_date"]) <= end
             and i["icpc_icpc_transfer_in"].strip().upper() not in YES
             and i["icpc_s47_enquiry_id"] in s47_start]
    icpc_ok = sum(working_days(s47_start[i["icpc_s47_enquiry_id"]], d(i["icpc_icpc_date"])) <= 15 for i in icpcs)
    cp_children = {p["cppl_person_id"] for p in rows(landing, "ssd_cp_plans")
                   if open_at(d(p["cppl_cp_plan_start_date"]), d(p["cppl_cp_plan_end_date"]), end)}
    short_breaks = {l["lega_person_id"] for l in rows(landing, "ssd_legal_status")
                    if l["lega_legal_status"].strip().upper() in {"V3", "V4"}
                    and open_at(d(l["lega_legal_status_start_date"]), d(l["lega_legal_status_end_date"]), end)}
    cla_children = {e["clae_person_id"] for e in rows(landing, "ssd_cla_episodes")
                    if open_at(d(e["clae_cla_episode_start_date"]), d(e["clae_cla_episode_ceased_date"]), end)}
    cla_children -= short_breaks
    pop = population(landing, fy_start)
    return {
        "REF_COUNT": (float(len(in_period)), None),
        "REF_RATE": (float(len(in_period)), pop),
        "REREF_12M_PCT": (float(reref), float(len(in_period))),
        "ASMT_45WD_PCT": (float(asmt_ok), float(len(asmts))),
        "ICPC_15WD_PCT": (float(icpc_ok), float(len(icpcs))),
        "CPP_RATE": (float(len(cp_children)), pop),
        "CLA_COUNT": (float(len(cla_children)), None),
        "CLA_RATE": (float(len(cla_children)), pop),
    }


@pytest.mark.parametrize("period_label", sorted(PERIODS))
def test_mart_matches_the_reference_computation(pipeline, period_label):
    start, end, fy_start = PERIODS[period_label]
    expected = reference_values(pipeline.landing, start, end, fy_start)
    con = pipeline.connect()
    actual = {
        r[0]: (r[1], r[2], r[3])
        for r in con.execute(
            "select indicator_id, numerator, denominator, value from marts.fct_indicator_values "
            "where la_code = '841' and period_label = ?",
            [period_label],
        ).fetchall()
    }
    for indicator_id, (numerator, denominator) in expected.items():
        got_num, got_den, got_value = actual[indicator_id]
        assert (got_num, got_den) == (numerator, denominator), indicator_id
        if indicator_id.endswith("_PCT"):
            want = None if not denominator else 100.0 * numerator / denominator
        elif indicator_id.endswith("_RATE"):
            want = None if not denominator else 10000.0 * numerator / denominator
        else:
            want = numerator
        assert got_value == pytest.approx(want, rel=1e-12) if want is not None else got_value is None, indicator_id
