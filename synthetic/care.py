"""Periods of care: how each one starts, how long it lasts, how it ends, and its legal milestones.

`plan_periods` is vectorised and is called while journeys run (a period's end decides when the
referral closes). The episode, legal status and placement rows are drawn later (`episodes.py`) for
the periods the extract keeps.
"""

from __future__ import annotations

import numpy as np

from synthetic.context import Context
from synthetic.days import NA, birthday
from synthetic.draw import choice, lognormal_days, uniform_days
from synthetic.records import Records

ROUTES = ("EMERGENCY", "S20", "COURT", "UASC", "SHORT_BREAK")
OUTCOMES = ("home", "adopt", "sgo", "cao", "long", "other")

# How periods of care end, by age band at entry (<1, 1-4, 5-9, 10-15, 16-17): weights of OUTCOMES.
_OUTCOME_BY_BAND = np.array([
    [0.22, 0.36, 0.18, 0.02, 0.19, 0.03],
    [0.30, 0.22, 0.18, 0.03, 0.24, 0.03],
    [0.38, 0.03, 0.13, 0.05, 0.37, 0.04],
    [0.45, 0.00, 0.05, 0.02, 0.43, 0.05],
    [0.45, 0.00, 0.01, 0.01, 0.48, 0.05],
])
_AGED_OUT = {"E17": 0.22, "E5": 0.33, "E6": 0.10, "E8": 0.35}
_HOME = {"E4A": 0.45, "E13": 0.45, "E4B": 0.10}
_LONG_EARLY_END = {"E13": 0.3, "E4A": 0.3, "E8": 0.2, "E44": 0.1, "E41": 0.1}
_OTHER = {"E3": 0.4, "E8": 0.5, "E9": 0.1}


def age_band(age_days: np.ndarray) -> np.ndarray:
    years = age_days / 365.25
    return np.select([years < 1, years < 5, years < 10, years < 16], [0, 1, 2, 3], 4)


def _draw_outcomes(rng: np.random.Generator, route: np.ndarray, band: np.ndarray) -> np.ndarray:
    weights = _OUTCOME_BY_BAND[band].copy()
    weights[route == "S20", 0] *= 1.6
    weights[route == "EMERGENCY", 0] *= 1.3
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(len(route))[:, None] > cum).sum(axis=1)
    out = np.array(OUTCOMES, dtype=object)[np.minimum(pick, len(OUTCOMES) - 1)]
    out[route == "UASC"] = np.where(rng.random(int((route == "UASC").sum())) < 0.92, "long", "other")
    out[route == "SHORT_BREAK"] = "short_break"
    return out


def plan_periods(rng: np.random.Generator, rec: Records, *, person: np.ndarray, entry: np.ndarray,
                 dob: np.ndarray, route: np.ndarray, need: np.ndarray, referral: np.ndarray) -> np.ndarray:
    """Add periods of care starting on `entry`; returns their internal ids."""
    drawn = draw_periods(rng, entry, dob, route)
    return rec.add("periods", person=person, referral=referral, need=np.asarray(need, dtype=object), **drawn)


def draw_periods(rng: np.random.Generator, entry: np.ndarray, dob: np.ndarray,
                 route: np.ndarray) -> dict[str, np.ndarray]:
    """How periods of care entered on `entry` unfold: outcome, end (uncapped by the extract date), the
    final reason and the legal milestones."""
    n = len(entry)
    route = np.asarray(route, dtype=object)
    bday18 = birthday(dob, 18)
    outcome = _draw_outcomes(rng, route, age_band(entry - dob))

    # Emergency protection first (police protection up to 72 hours, an EPO up to 8 days), then the court
    # milestones: interim care order (C1) start, and the final hearing about 26 weeks later.
    emergency_status = np.where(rng.random(n) < 0.6, "L1", "L2").astype(object)
    emergency_days = np.where(emergency_status == "L1", uniform_days(rng, 1, 3, n), uniform_days(rng, 3, 8, n))
    emergency_end = np.where(route == "EMERGENCY", entry + emergency_days, NA)
    to_court = (route == "COURT") | (
        np.isin(outcome, ("adopt", "sgo", "cao")) & np.isin(route, ("S20", "EMERGENCY"))
    ) | ((outcome == "long") & np.isin(route, ("S20", "EMERGENCY")) & (rng.random(n) < 0.55))
    to_court |= (route == "EMERGENCY") & (rng.random(n) < 0.45)
    c1_start = np.where(route == "COURT", entry,
                        np.where(route == "EMERGENCY", emergency_end, entry + uniform_days(rng, 20, 200, n)))
    c1_start = np.where(to_court, c1_start, NA)
    hearing = np.where(to_court, c1_start + uniform_days(rng, 140, 330, n), NA)

    # Adoption: decision, placement order (at the final hearing), match, placement, adoption order.
    adopt = outcome == "adopt"
    adm = np.where(adopt, entry + uniform_days(rng, 90, 260, n), NA)
    po = np.where(adopt, np.maximum(hearing, adm + 30), NA)
    hearing = np.where(adopt, po, hearing)
    reversed_ = adopt & (rng.random(n) < 0.07)
    matched = np.where(adopt & ~reversed_, po + lognormal_days(rng, 150, 0.5, n, low=20), NA)
    placed = np.where(adopt & ~reversed_, matched + uniform_days(rng, 7, 45, n), NA)
    reversed_on = np.where(reversed_, po + uniform_days(rng, 60, 300, n), NA)

    end = np.select(
        [outcome == "home", outcome == "sgo", outcome == "cao", outcome == "long", outcome == "other",
         outcome == "short_break"],
        [entry + lognormal_days(rng, np.where(route == "EMERGENCY", 60, 160), 1.1, n),
         entry + lognormal_days(rng, 560, 0.45, n, low=120),
         entry + lognormal_days(rng, 420, 0.45, n, low=90),
         entry + lognormal_days(rng, 2800, 0.8, n, low=180),
         entry + lognormal_days(rng, 250, 0.8, n),
         entry + lognormal_days(rng, 700, 0.5, n, low=90)],
        NA,
    )
    end = np.where(adopt & ~reversed_, placed + uniform_days(rng, 90, 300, n), end)
    end = np.where(reversed_, reversed_on + lognormal_days(rng, 500, 0.5, n, low=60), end)
    outcome = np.where(reversed_, np.where(rng.random(n) < 0.5, "sgo", "long"), outcome)
    aged_out = end >= bday18
    end = np.minimum(end, bday18)

    reason = np.select(
        [outcome == "home", outcome == "adopt", outcome == "sgo", outcome == "cao", outcome == "long",
         outcome == "other", outcome == "short_break"],
        [choice(rng, _HOME, n), np.where(rng.random(n) < 0.6, "E11", "E12"),
         np.where(rng.random(n) < 0.55, "E43", "E44"), np.full(n, "E41", dtype=object),
         choice(rng, _LONG_EARLY_END, n), choice(rng, _OTHER, n), np.full(n, "E8", dtype=object)],
        "E8",
    ).astype(object)
    reason = np.where(aged_out, choice(rng, _AGED_OUT, n), reason).astype(object)
    outcome = np.where(aged_out, "aged_out", outcome).astype(object)

    return {
        "entry": np.asarray(entry, dtype="int64"), "end": end, "route": route, "outcome": outcome, "reason": reason,
        "emergency_end": emergency_end, "c1_start": c1_start, "hearing": hearing, "adm": adm, "po": po,
        "matched": matched, "placed": placed, "reversed_on": reversed_on,
        "emergency_status": emergency_status,
        "short_break_status": np.where(rng.random(n) < 0.4, "V3", "V4").astype(object),
    }


_NOT_CARE_LEAVER = ("E11", "E12", "E41", "E43", "E44", "E3")


def care_leavers(periods: dict[str, np.ndarray], dob: np.ndarray, extract_end: int) -> np.ndarray:
    """Periods after which the young person is owed leaving-care support: left aged 16+ after 13+ weeks."""
    end = periods["end"]
    return ((end <= extract_end) & (end - dob >= 16 * 365.25) & (end - periods["entry"] >= 91)
            & ~np.isin(periods["reason"], _NOT_CARE_LEAVER) & (periods["route"] != "SHORT_BREAK"))


def kept_periods(ctx: Context, periods: dict[str, np.ndarray], dob: np.ndarray, history_days: int) -> np.ndarray:
    """Periods the extract holds: open at any time in the window, or ended recently for a care leaver."""
    end = periods["end"]
    live = (end >= ctx.start) & (periods["entry"] <= ctx.end)
    leaver = care_leavers(periods, dob, ctx.end) & (end >= ctx.start - history_days)
    return np.flatnonzero(live | leaver)
