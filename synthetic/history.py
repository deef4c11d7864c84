"""Children already in care when the journeys begin: periods of care entered up to 18 years earlier.

Their entry rate, ages, routes and needs are resampled from the periods the simulated journeys start,
so the number looked after runs on level from the past into the window. Each gets the referral (and
assessment) that brought them into care, which stays open while they are looked after.
"""

from __future__ import annotations

import numpy as np

from synthetic.care import draw_periods
from synthetic.context import CARE_HISTORY_YEARS, FRONT_DOOR_WARM_UP_YEARS, Context
from synthetic.days import NA, birthday, censor, is_na
from synthetic.draw import choice, flag, geometric_days, uniform_days
from synthetic.journeys import PRIMARY_NEED, REFERRAL_SOURCE
from synthetic.people import ETHNICITY_LOCAL, ETHNICITY_UASC, SEX, People
from synthetic.records import Records

CARE_LEAVER_HISTORY_DAYS = 4 * 365  # periods that ended this long before the window are kept for care leavers

_DEFAULT_ROUTES = {"COURT": 0.4, "S20": 0.35, "EMERGENCY": 0.2, "UASC": 0.05}
_DEFAULT_ENTRY_AGE_YEARS = np.array([20, 5, 5, 4, 4, 3, 3, 3, 3, 3, 4, 5, 6, 7, 8, 8, 6, 3], dtype=float)
_CLOSE_FROM_CARE = {"E11": "RC1", "E12": "RC1", "E43": "RC4", "E44": "RC4", "E41": "RC3", "E3": "RC5"}


def historical_periods(ctx: Context, people: People, rec: Records) -> None:
    rng = ctx.rng("care-history")
    entry, age, route, need = _entries(ctx, rng, people, rec)
    dob = entry - age
    drawn = draw_periods(rng, entry, dob, route)
    end = drawn["end"]
    keep = is_na(end) | (end >= ctx.start - CARE_LEAVER_HISTORY_DAYS)
    drawn = {k: v[keep] for k, v in drawn.items()}
    dob, need, route = dob[keep], need[keep], route[keep]
    k = int(keep.sum())
    uasc = route == "UASC"
    sex = np.where(uasc, choice(rng, {"M": 0.9, "F": 0.1}, k), choice(rng, SEX, k))
    ethnicity = np.where(uasc, choice(rng, ETHNICITY_UASC, k), choice(rng, ETHNICITY_LOCAL, k))
    person = people.add(dob, sex, ethnicity)
    referral = _referrals(ctx, rng, rec, person, dob, drawn, need)
    rec.add("periods", person=person, referral=referral, need=need, **drawn)


def _entries(ctx: Context, rng: np.random.Generator, people: People,
             rec: Records) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Entries to care before the window, year by year, topping up what the journeys already started
    (none before they begin, fewer while they settle) to the settled yearly rate."""
    rate, sample = _settled_rate(ctx, people, rec)
    periods = rec.get("periods")
    year_days = 365.25
    edges = ctx.start - year_days * np.arange(CARE_HISTORY_YEARS + FRONT_DOOR_WARM_UP_YEARS, -1, -1)
    edges = np.round(edges).astype("int64")
    started = np.histogram(periods["entry"], bins=edges)[0] if periods else np.zeros(len(edges) - 1)
    missing = rng.poisson(np.maximum(rate - started, 0))
    entry = np.concatenate([lo + rng.integers(0, hi - lo, k) for lo, hi, k in zip(edges[:-1], edges[1:], missing)])
    n = len(entry)
    pick = rng.integers(0, len(sample[0]), n)
    return entry.astype("int64"), sample[0][pick], sample[1][pick], sample[2][pick]


def _settled_rate(ctx: Context, people: People, rec: Records) -> tuple[float, tuple[np.ndarray, ...]]:
    """Yearly entries to care in the window, and the ages (days), routes and needs to resample from."""
    periods = rec.get("periods")
    rows = np.zeros(0, dtype="int64")
    if periods:
        rows = np.flatnonzero((periods["entry"] >= ctx.start) & (periods["route"] != "SHORT_BREAK"))
    if len(rows) >= 20:
        age = periods["entry"][rows] - people.dob()[periods["person"][rows]]
        return len(rows) / ctx.years(ctx.start, ctx.end), (age, periods["route"][rows], periods["need"][rows])
    rng = ctx.rng("care-history-defaults")
    n = 1000
    p = _DEFAULT_ENTRY_AGE_YEARS / _DEFAULT_ENTRY_AGE_YEARS.sum()
    age = (rng.choice(18, size=n, p=p) * 365.25 + rng.random(n) * 365).astype("int64")
    route = choice(rng, _DEFAULT_ROUTES, n)
    need = np.where(route == "UASC", "N8", choice(rng, PRIMARY_NEED, n)).astype(object)
    return 105 * ctx.scale, (age, route, need)


def _referrals(ctx: Context, rng: np.random.Generator, rec: Records, person: np.ndarray, dob: np.ndarray,
               drawn: dict[str, np.ndarray], need: np.ndarray) -> np.ndarray:
    """The referral, contact and assessment that led to each period of care."""
    n = len(person)
    entry, end = drawn["entry"], censor(drawn["end"], ctx.end)
    day = ctx.wd.next_working(np.maximum(entry - geometric_days(rng, 0.3, 20, n), dob))
    day = np.minimum(day, entry)
    source = choice(rng, REFERRAL_SOURCE, n)
    bday18 = birthday(dob, 18)
    start = ctx.wd.add(day, rng.integers(0, 4, n))
    auth = censor(ctx.wd.add(start, uniform_days(rng, 10, 40, n)), ctx.end)
    last = np.where(is_na(end) | is_na(auth), NA, np.maximum(end, auth))
    close = np.where(is_na(last), NA, last + np.where(rng.random(n) < 0.4, 0, uniform_days(rng, 1, 21, n)))
    close = censor(np.where(close >= bday18, np.maximum(last, bday18 - 1), close), ctx.end)
    reason = np.array([_CLOSE_FROM_CARE.get(r, "RC7") for r in drawn["reason"]], dtype=object)
    reason = np.where(is_na(close), "", np.where(drawn["outcome"] == "aged_out", "RC6", reason)).astype(object)
    referral = rec.add("referrals", person=person, day=day, need=need, source=source,
                       nfa=np.full(n, "N", dtype=object), close=close, close_reason=reason)
    rec.add("contacts", person=person, day=day, source=source, outcome=np.full(n, '["REFERRAL"]', dtype=object))
    rec.add("assessments", referral=referral, person=person, start=start, auth=auth,
            nfa=np.where(is_na(auth), "", "N").astype(object),
            seen=np.where(is_na(auth), "", flag(rng.random(n) < 0.95)).astype(object))
    return referral
