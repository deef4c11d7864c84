"""The feeds beside the case system (docs/specs/FEEDS.md): health, virtual school, partners and workforce, drawn from the
same children, periods of care, missing episodes and teams as the SSD extract, named by its public ids.

File cadence, as a feed looks a year after it was switched on: one history file up to a year before the
extract date (the onboarding backfill), then one file a month (attendance: a quarter) holding the rows that
appeared or changed since the last. A row still open at a file's date (an assessment not yet done, a child
not yet found, a PEP not yet rated) is restated, complete, in the file of the month it changed: the loader
appends both, staging keeps the newest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic.context import Context
from synthetic.days import NA, add_months, is_na, to_text, weekday
from synthetic.draw import choice, flag, uniform_days
from synthetic.extract import Ids
from synthetic.records import Records
from synthetic.workforce import SERVICES, SOCIAL_WORKERS
from ingest.contracts import FEEDS

PROVIDERS = {"Darlington Memorial Hospital CLA Health Team": 70, "County Durham and Darlington NHS FT": 20,
             "Out of area provider": 10}
RISK = {"LOW": 35, "MEDIUM": 55, "HIGH": 10}
PEP_QUALITY = {"GOOD": 68, "REQUIRES_IMPROVEMENT": 22, "INADEQUATE": 5, "": 5}
FGC_OUTCOME = {"PLAN_AGREED": 70, "NO_PLAN": 10, "WITHDRAWN": 20}
# Attendance rate a phase runs at, and the share of absence that is authorised.
PHASE_ATTENDANCE = {"PRIMARY": 0.955, "SECONDARY": 0.915, "SPECIAL": 0.905, "AP": 0.88, "POST16": 0.90}
AUTHORISED_SHARE = 0.6
# School holidays (month, first day, last day) a Monday falling in is not a school week.
HOLIDAYS = ((7, 22, 31), (8, 1, 31), (9, 1, 2), (10, 24, 31), (12, 20, 31), (1, 1, 3), (2, 14, 21), (4, 1, 14),
            (5, 25, 31))


@dataclass
class Cadence:
    """The extract dates of a feed's files: a backfill a year before the extract date, then every month/quarter."""

    days: np.ndarray  # ascending; days[0] is the backfill

    @classmethod
    def of(cls, ctx: Context, months: int) -> Cadence:
        backfill = int(add_months(np.array([ctx.end + 1]), -12)[0]) - 1
        ends = [backfill]
        k = 1
        while True:
            month_end = int(add_months(np.array([backfill + 1]), months * k)[0]) - 1
            if month_end >= ctx.end:
                break
            ends.append(month_end)
            k += 1
        ends.append(ctx.end)
        return cls(np.array(ends, dtype="int64"))

    def file_of(self, days: np.ndarray) -> np.ndarray:
        """Index of the file a change on each day goes into (the backfill takes everything before it)."""
        return np.searchsorted(self.days, np.asarray(days, dtype="int64"), side="left")


def split_files(ctx: Context, stem: str, cadence: Cadence, columns: dict[str, np.ndarray], first: np.ndarray,
                changed: np.ndarray, pending: dict[str, object]) -> dict[str, pd.DataFrame]:
    """Rows into files: each in the file of its `first` day, with the `pending` values if it changes later
    (`changed` after that file's date), and again, complete, in the file of its `changed` day."""
    feed, table = _contract_of(stem)
    names = FEEDS[feed].tables[table].column_names
    first_file = cadence.file_of(first)
    changed = np.where(is_na(changed), first, changed)
    later = (changed > cadence.days[np.minimum(first_file, len(cadence.days) - 1)]) & (changed <= ctx.end)
    open_at_end = changed > ctx.end
    restated = np.flatnonzero(later)
    out: dict[str, pd.DataFrame] = {}
    for k, extract_day in enumerate(cadence.days):
        first_rows = np.flatnonzero(first_file == k)
        again = restated[cadence.file_of(changed[restated]) == k]
        rows = np.concatenate([first_rows, again])
        frame = pd.DataFrame({n: np.asarray(columns.get(n, np.zeros(0)), dtype=object)[rows] for n in names},
                             columns=list(names))
        unfinished = np.concatenate([later[first_rows] | open_at_end[first_rows], np.zeros(len(again), bool)])
        for name, value in pending.items():
            frame.loc[unfinished, name] = value
        if frame.empty:  # nothing new: no file (two empty extracts would be byte-identical duplicates anyway)
            continue
        date_text = np.datetime_as_string(np.array([extract_day]).astype("datetime64[D]"))[0].replace("-", "")
        out[f"{feed}/{stem}_{date_text}.csv"] = frame
    return out


def _contract_of(stem: str) -> tuple[str, int]:
    for feed, contract in FEEDS.items():
        for i, table in enumerate(contract.tables):
            if table.matches(f"{stem}_20240101.csv"):
                return feed, i
    raise KeyError(stem)


def _ids(prefix: str, order: np.ndarray) -> np.ndarray:
    """Public ids numbered in the given order (rank → id)."""
    ids = np.empty(len(order), dtype=object)
    ids[order] = [f"{prefix}{i + 1:06d}" for i in range(len(order))]
    return ids


def build(ctx: Context, rec: Records, ids: Ids, persons: dict[str, np.ndarray], kept: np.ndarray,
          dob: np.ndarray) -> dict[str, pd.DataFrame]:
    """Every non-case-system feed file, by path relative to the landing folder."""
    monthly, quarterly = Cadence.of(ctx, 1), Cadence.of(ctx, 3)
    frames: dict[str, pd.DataFrame] = {}
    frames |= health(ctx, rec, ids, persons, monthly)
    frames |= education(ctx, rec, ids, kept, dob, monthly, quarterly)
    frames |= partners(ctx, rec, ids, dob, monthly)
    frames |= workforce(ctx, rec, ids, monthly)
    return frames


def health(ctx: Context, rec: Records, ids: Ids, persons: dict[str, np.ndarray], cadence: Cadence) -> dict:
    """The health team's record of the assessments in ssd_cla_health: requested, due, completed (or not)."""
    h = rec.get("health")
    if not h:
        return split_files(ctx, "health_assessments", cadence, {}, np.zeros(0, "int64"), np.zeros(0, "int64"), {})
    rng = ctx.rng("feed-health")
    n = len(h["day"])
    entry = rec.get("periods")["entry"][h["period"]]
    iha = h["kind"] == "IHA"
    due = np.where(iha, ctx.wd.add(entry, 20), h["day"] - uniform_days(rng, -10, 20, n))
    requested = np.where(iha, ctx.wd.add(entry, uniform_days(rng, 1, 5, n)), due - uniform_days(rng, 28, 56, n))
    requested = np.minimum(requested, h["day"])
    done = h["status"] == "COMPLETED"
    completed = np.where(done, h["day"], NA)
    order = np.lexsort((h["day"], requested))
    columns = {
        "assessment_id": _ids("HA", order), "person_id": ids.of("persons", h["person"]),
        "nhs_number": persons["nhs_number"][h["person"]], "assessment_type": h["kind"],
        "requested_date": to_text(requested), "due_date": to_text(due), "completed_date": to_text(completed),
        "outcome": h["status"], "provider": choice(rng, PROVIDERS, n),
    }
    return split_files(ctx, "health_assessments", cadence, columns, requested, h["day"],
                       {"completed_date": "", "outcome": ""})


@dataclass
class Pupils:
    """Weeks in care of school-age looked-after children: one row per child, period of care and school week."""

    person: np.ndarray
    period: np.ndarray
    week: np.ndarray
    phase: np.ndarray
    urn: np.ndarray


def _school_weeks(ctx: Context) -> np.ndarray:
    first = ctx.start - weekday(np.array([ctx.start]))[0] + 7 * (weekday(np.array([ctx.start]))[0] > 0)
    mondays = np.arange(first, ctx.end - 4, 7, dtype="int64")
    d = mondays.astype("datetime64[D]")
    month = d.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    holiday = np.zeros(len(mondays), bool)
    for m, low, high in HOLIDAYS:
        holiday |= (month == m) & (dom >= low) & (dom <= high)
    return mondays[~holiday]


def _pupils(ctx: Context, rec: Records, kept: np.ndarray, dob: np.ndarray) -> Pupils:
    rng = ctx.rng("feed-pupils")
    p = rec.get("periods")
    rows = kept[p["route"][kept] != "SHORT_BREAK"]
    weeks = _school_weeks(ctx)
    start, stop = p["entry"][rows], np.minimum(p["end"][rows], ctx.end + 1)
    lo, hi = np.searchsorted(weeks, start, "left"), np.searchsorted(weeks, stop - 4, "left")
    count = np.maximum(hi - lo, 0)
    r = np.repeat(np.arange(len(rows)), count)
    week = weeks[np.repeat(lo, count) + (np.arange(len(r)) - np.repeat(np.cumsum(count) - count, count))]
    person = p["person"][rows][r]
    # Age on 31 August before the week decides the year group: Reception (4) to Year 13 (17).
    d = week.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(int) + 1970
    month = d.astype("datetime64[M]").astype(int) % 12 + 1
    academic = np.where(month >= 9, year, year - 1)
    september = ((academic - 1970) * 12 + 8).astype("datetime64[M]")
    aug31 = september.astype("datetime64[D]").astype("int64") - 1
    age = np.floor((aug31 - dob[person]) / 365.25).astype(int)
    in_school = (age >= 4) & (age <= 17)
    r, week, person, age = r[in_school], week[in_school], person[in_school], age[in_school]
    special = rng.random(len(rows)) < 0.09
    ap = ~special & (rng.random(len(rows)) < 0.03)
    phase = np.select([special[r], ap[r] & (age >= 11), age <= 10, age <= 15], ["SPECIAL", "AP", "PRIMARY", "SECONDARY"],
                      "POST16").astype(object)
    # One school per child, period of care and phase.
    school_key = r * 8 + np.searchsorted(list(PHASE_ATTENDANCE), phase)
    unique_keys, inverse = np.unique(school_key, return_inverse=True)
    urn = (100000 + rng.integers(0, 50000, len(unique_keys)))[inverse].astype(str).astype(object)
    return Pupils(person, rows[r], week, phase, urn)


def education(ctx: Context, rec: Records, ids: Ids, kept: np.ndarray, dob: np.ndarray, monthly: Cadence,
              quarterly: Cadence) -> dict:
    pupils = _pupils(ctx, rec, kept, dob)
    frames = _attendance(ctx, ids, pupils, quarterly)
    frames |= _peps(ctx, ids, pupils, monthly)
    frames |= _suspensions(ctx, ids, pupils, monthly)
    return frames


def _attendance(ctx: Context, ids: Ids, pupils: Pupils, cadence: Cadence) -> dict:
    rng = ctx.rng("feed-attendance")
    n = len(pupils.week)
    days = pupils.week[:, None] + np.arange(5)[None, :]
    possible = 2 * ctx.wd.is_working(days.ravel()).reshape(n, 5).sum(axis=1)
    base = np.array([PHASE_ATTENDANCE[ph] for ph in pupils.phase]) if n else np.zeros(0)
    # Each child's own rate scatters around the phase's; a few are persistently absent.
    child_shift = np.zeros(int(pupils.person.max()) + 1 if n else 0)
    if n:
        child_shift = rng.normal(0, 0.035, len(child_shift)) - np.where(rng.random(len(child_shift)) < 0.08, 0.12, 0)
    rate = np.clip(base + child_shift[pupils.person] if n else base, 0.3, 1.0)
    absent = rng.binomial(possible, 1 - rate)
    authorised = rng.binomial(absent, AUTHORISED_SHARE)
    order = np.lexsort((pupils.week, pupils.person))
    columns = {
        "person_id": ids.of("persons", pupils.person), "upn": np.full(n, "", dtype=object),
        "school_urn": pupils.urn, "school_phase": pupils.phase, "week_start": to_text(pupils.week),
        "possible_sessions": possible, "attended_sessions": possible - absent,
        "authorised_absence_sessions": authorised, "unauthorised_absence_sessions": absent - authorised,
    }
    columns = {k: np.asarray(v, dtype=object)[order] for k, v in columns.items()}
    reported = pupils.week[order] + 4  # known once the week is over
    return split_files(ctx, "vs_attendance", cadence, columns, reported, reported, {})


def _first_week_rows(pupils: Pupils, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pupil-week row, term) of each child's first school week in each term it was in care."""
    term = np.searchsorted(terms, pupils.week, "right")
    key = pupils.period.astype("int64") * 1000 + term
    _, first = np.unique(key, return_index=True)
    return first, term[first]


def _terms(ctx: Context) -> np.ndarray:
    """Term starts (1 Sep, 1 Jan, 15 Apr) covering the window."""
    years = range(ctx.request.start.year - 1, ctx.request.end.year + 1)
    starts = [np.datetime64(f"{y}-{md}") for y in years for md in ("01-01", "04-15", "09-01")]
    return np.array(sorted(starts), dtype="datetime64[D]").astype("int64")


def _peps(ctx: Context, ids: Ids, pupils: Pupils, cadence: Cadence) -> dict:
    """A PEP each term a child is in school and in care; some are rated by the virtual school a month later."""
    rng = ctx.rng("feed-pep")
    rows, _ = _first_week_rows(pupils, _terms(ctx))
    n = len(rows)
    day = pupils.week[rows] + uniform_days(rng, 0, 40, n)
    day = np.minimum(day, ctx.end)
    review = add_months(day, 4)
    quality = choice(rng, PEP_QUALITY, n)
    rated = np.where(rng.random(n) < 0.3, day + uniform_days(rng, 20, 45, n), day)
    rated = np.where(quality == "", NA, rated)
    order = np.lexsort((pupils.person[rows], day))
    columns = {
        "pep_id": _ids("PEP", order), "person_id": ids.of("persons", pupils.person[rows]), "pep_date": to_text(day),
        "pep_review_date": to_text(review), "quality_rating": quality,
    }
    return split_files(ctx, "vs_pep", cadence, columns, day, rated, {"quality_rating": ""})


def _suspensions(ctx: Context, ids: Ids, pupils: Pupils, cadence: Cadence) -> dict:
    """A few suspensions (mostly secondary), very rarely a permanent exclusion."""
    rng = ctx.rng("feed-suspensions")
    p = np.select([pupils.phase == "SECONDARY", pupils.phase == "AP", pupils.phase == "PRIMARY"],
                  [0.0065, 0.01, 0.0015], 0.003)
    rows = np.flatnonzero(rng.random(len(pupils.week)) < p)
    n = len(rows)
    day = pupils.week[rows] + rng.integers(0, 5, n)
    permanent = rng.random(n) < 0.02
    sessions = np.where(permanent, "", (1 + rng.poisson(2.5, n)).astype(str)).astype(object)
    order = np.lexsort((pupils.person[rows], day))
    columns = {
        "exclusion_id": _ids("EX", order), "person_id": ids.of("persons", pupils.person[rows]),
        "school_urn": pupils.urn[rows], "start_date": to_text(day), "sessions": sessions,
        "category": np.where(permanent, "PERMANENT", "SUSPENSION").astype(object),
    }
    return split_files(ctx, "vs_suspensions", cadence, columns, day, day, {})


def partners(ctx: Context, rec: Records, ids: Ids, dob: np.ndarray, cadence: Cadence) -> dict:
    m = rec.get("missing")
    empty = np.zeros(0, dtype="int64")
    if not m:
        return (split_files(ctx, "police_missing", cadence, {}, empty, empty, {})
                | split_files(ctx, "rhi", cadence, {}, empty, empty, {})
                | _fgc(ctx, rec, ids, cadence))
    frames = _police(ctx, ids, m, cadence)
    frames |= _rhi(ctx, ids, m, cadence)
    frames |= _fgc(ctx, rec, ids, cadence)
    return frames


def _police(ctx: Context, ids: Ids, m: dict[str, np.ndarray], cadence: Cadence) -> dict:
    """Most missing (not absent) episodes were reported to the police; a few the police could not match."""
    rng = ctx.rng("feed-police")
    rows = np.flatnonzero((m["kind"] == "M") & (rng.random(len(m["kind"])) < 0.8))
    n = len(rows)
    reported = m["start"][rows] + (rng.random(n) < 0.2)
    reported = np.minimum(reported, ctx.end)
    found = np.where(is_na(m["end"][rows]), NA, np.maximum(m["end"][rows], reported))
    person = ids.of("persons", m["person"][rows])
    person = np.where(rng.random(n) < 0.07, "", person).astype(object)
    order = np.lexsort((person, reported))
    columns = {
        "incident_ref": np.char.add("NP-", _ids("", order).astype(str)).astype(object), "person_id": person,
        "reported_date": to_text(reported), "found_date": to_text(found), "risk_level": choice(rng, RISK, n),
    }
    return split_files(ctx, "police_missing", cadence, columns, reported, found, {"found_date": ""})


def _rhi(ctx: Context, ids: Ids, m: dict[str, np.ndarray], cadence: Cadence) -> dict:
    """Return home interviews offered after episodes that ended: done within days, or declined."""
    rng = ctx.rng("feed-rhi")
    rows = np.flatnonzero((m["offered"] == "Y") & ~is_na(m["end"]))
    n = len(rows)
    offered = np.minimum(m["end"][rows] + np.where(rng.random(n) < 0.85, rng.integers(0, 3, n), rng.integers(3, 8, n)),
                         ctx.end)
    accepted = m["accepted"][rows] == "Y"
    completed = np.where(accepted, offered + rng.integers(0, 6, n), NA)
    completed = np.where(completed > ctx.end, NA, completed)
    order = np.lexsort((m["person"][rows], offered))
    columns = {
        "rhi_id": _ids("RHI", order), "person_id": ids.of("persons", m["person"][rows]),
        "missing_start_date": to_text(m["start"][rows]), "offered_date": to_text(offered),
        "completed_date": to_text(completed), "declined": flag(~accepted),
    }
    return split_files(ctx, "rhi", cadence, columns, offered, np.where(accepted, completed, offered),
                       {"completed_date": ""})


def _fgc(ctx: Context, rec: Records, ids: Ids, cadence: Cadence) -> dict:
    """Family group conferences for a share of children starting child protection plans (edge of care)."""
    rng = ctx.rng("feed-fgc")
    plans = rec.get("cp_plans")
    empty = np.zeros(0, dtype="int64")
    if not plans:
        return split_files(ctx, "fgc", cadence, {}, empty, empty, {})
    n_all = len(plans["start"])
    referral = plans["start"] + uniform_days(rng, 0, 60, n_all)
    rows = np.flatnonzero((rng.random(n_all) < 0.3) & (referral >= ctx.keep_from) & (referral <= ctx.end))
    n = len(rows)
    if not n:  # a small authority over a short window may have no conference at all
        return split_files(ctx, "fgc", cadence, {}, empty, empty, {})
    referral = referral[rows]
    person = plans["person"][rows]
    outcome = choice(rng, FGC_OUTCOME, n)
    conference = np.where(outcome == "WITHDRAWN", NA, referral + uniform_days(rng, 20, 60, n))
    decided = np.where(outcome == "WITHDRAWN", referral + uniform_days(rng, 5, 40, n), conference)
    held = decided <= ctx.end
    order = np.lexsort((person, referral))
    person_id = np.where(rng.random(n) < 0.15, "", ids.of("persons", person)).astype(object)
    family = np.char.add("FAM", np.char.zfill(person.astype(str), 7)).astype(object)
    columns = {
        "fgc_id": _ids("FGC", order), "person_id": person_id, "family_id": family, "referral_date": to_text(referral),
        "conference_date": to_text(np.where(held, conference, NA)), "outcome": np.where(held, outcome, "").astype(object),
    }
    return split_files(ctx, "fgc", cadence, columns, referral, decided, {"conference_date": "", "outcome": ""})


def workforce(ctx: Context, rec: Records, ids: Ids, cadence: Cadence) -> dict:
    """Month-end snapshots of each social worker team: establishment, filled (agency among them), vacancies
    (establishment = filled + vacancy, 10-20 %), leavers and sickness in the month."""
    rng = ctx.rng("feed-workforce")
    teams = rec.get("teams")
    stems = tuple(s.team for s in SERVICES if set(s.titles) <= set(SOCIAL_WORKERS))
    team_rows = np.flatnonzero([any(str(name).startswith(stem) for stem in stems) for name in teams["name"]])
    inv = rec.get("involvements")
    n_months = 12 * (ctx.request.end.year - ctx.request.start.year + 2)
    months = add_months(np.full(n_months, ctx.start), np.arange(n_months))
    snapshots = months[(months > ctx.start) & (months <= ctx.end + 1)] - 1
    t, s = np.repeat(team_rows, len(snapshots)), np.tile(snapshots, len(team_rows))
    workers = np.array([len(np.unique(inv["professional"][inv["team"] == row])) for row in team_rows])
    establishment = (np.maximum(workers, 4) + 1.0)[np.repeat(np.arange(len(team_rows)), len(snapshots))]
    # Vacancy rate wanders slowly (AR(1)) around 15 %.
    level = np.zeros(len(t))
    noise = rng.normal(0, 0.02, len(t))
    for k in range(len(t)):
        level[k] = (0.85 * level[k - 1] if k % len(snapshots) else 0.0) + noise[k]
    vacancy = np.round(establishment * np.clip(0.15 + level, 0.05, 0.3) * 2) / 2
    filled = establishment - vacancy
    agency = np.round(filled * np.clip(rng.normal(0.14, 0.05, len(t)), 0, 0.4) * 2) / 2
    leavers = 0.5 * rng.poisson(filled * 0.15 / 12 * 2)
    sickness = np.round(filled * rng.uniform(0.4, 1.6, len(t)) * 2) / 2
    order = np.lexsort((t, s))
    columns = {
        "snapshot_date": to_text(s), "team_id": ids.of("teams", t), "team_name": teams["name"][t],
        "establishment_fte": establishment, "filled_fte": filled, "agency_fte": agency, "vacancy_fte": vacancy,
        "leavers_fte_in_month": leavers, "sickness_days_in_month": sickness,
    }
    columns = {k: np.asarray(v, dtype=object)[order] for k, v in columns.items()}
    return split_files(ctx, "workforce", cadence, columns, s[order], s[order], {})
