"""What happens while children are looked after, and after: reviews, visits, health, SDQs, missing
episodes, permanence, immigration status and care leavers. All vectorised over periods of care."""

from __future__ import annotations

import numpy as np

from synthetic.care import care_leavers
from synthetic.context import Context
from synthetic.days import NA, add_months, birthday, censor, is_na
from synthetic.draw import choice, flag, uniform_days
from synthetic.records import Records
from synthetic.recurring import mixture, recurring

PARTICIPATION = {"PN1": 40, "PN2": 15, "PN3": 15, "PN4": 10, "PN5": 5, "PN6": 5, "PN7": 10}
HEALTH_STATUS = {"COMPLETED": 92, "DNA": 4, "DECLINED": 2, "CANCELLED": 2}
SDQ_NOT_DONE = {"SDQ1": 30, "SDQ2": 15, "SDQ3": 25, "SDQ4": 20, "SDQ5": 10}
IN_TOUCH = {"YES": 87, "NO": 5, "REFU": 3, "NREQ": 3, "RHOM": 2}
EET_ACTIVITY = {"F1": 15, "F2": 35, "F4": 25, "F5": 10, "P1": 3, "P2": 5, "P4": 5, "P5": 2}
NEET_ACTIVITY = {"G4": 20, "G5": 50, "G6": 30}
ACCOMMODATION_16_17 = {"D": 30, "B": 30, "E": 15, "U": 10, "C": 5, "K": 5, "Y": 5}
ACCOMMODATION_18_PLUS = {"U": 33, "D": 18, "B": 15, "E": 8, "K": 4, "T": 4, "S": 2, "X": 2, "V": 2, "W": 1,
                         "Y": 5, "Z": 6}
UNSUITABLE = ("S", "V", "W", "X", "R")


class Spells:
    """The kept periods of care as aligned arrays."""

    def __init__(self, ctx: Context, rec: Records, kept: np.ndarray, dob_all: np.ndarray):
        p = rec.get("periods")
        self.id = kept
        self.person = p["person"][kept]
        self.entry = p["entry"][kept]
        self.end = censor(p["end"][kept], ctx.end)  # NA while open
        self.stop = np.minimum(p["end"][kept], ctx.end + 1)  # exclusive bound for events in care
        self.route = p["route"][kept]
        self.reason = p["reason"][kept]
        self.dob = dob_all[self.person]
        self._periods = p

    def column(self, name: str) -> np.ndarray:
        """Any other column of the periods table, for these periods."""
        return self._periods[name][self.id]


def build(ctx: Context, rec: Records, kept: np.ndarray, dob_all: np.ndarray) -> None:
    if not len(kept):
        return
    s = Spells(ctx, rec, kept, dob_all)
    _reviews(ctx, rec, s)
    _visits(ctx, rec, s)
    _health(ctx, rec, s)
    _immunisations(ctx, rec, s)
    _sdq(ctx, rec, s)
    _missing_in_care(ctx, rec, s)
    _permanence(ctx, rec, s)
    _immigration(ctx, rec, s)
    _care_leavers(ctx, rec, s)


def _reviews(ctx: Context, rec: Records, s: Spells) -> None:
    """CLA reviews: within 20 working days of entry, 3 months later, then every 6 months. A few are
    cancelled and held again a few days later."""
    rng = ctx.rng("cla-reviews")
    due = ctx.wd.add(s.entry, 20)
    previous = s.entry.copy()
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # rows, due, day, cancelled
    active = np.flatnonzero(due < s.stop)
    first = True
    while len(active):
        m = len(active)
        late = rng.random(m) < 0.09
        planned = np.where(late, due[active] + uniform_days(rng, 1, 30, m),
                           np.maximum(due[active] - uniform_days(rng, 0, 14, m), previous[active] + 1))
        cancelled = rng.random(m) < 0.03
        held = np.where(cancelled, planned + uniform_days(rng, 1, 15, m), planned)
        parts.append((active[cancelled], due[active][cancelled], planned[cancelled],
                      np.ones(int(cancelled.sum()), bool)))
        parts.append((active, due[active], held, np.zeros(m, bool)))
        previous[active] = held
        due[active] = add_months(held, 3 if first else 6)
        active = active[due[active] < s.stop[active]]
        first = False
    rows, due_all, day, cancelled = (np.concatenate([p[i] for p in parts]) for i in range(4)) if parts else (
        np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"), np.zeros(0, bool))
    keep = (day <= ctx.end) & (day < s.stop[rows]) & (due_all >= ctx.keep_from)
    rows, due_all, day, cancelled = rows[keep], due_all[keep], day[keep], cancelled[keep]
    order = np.lexsort((day, rows))
    rows, due_all, day, cancelled = rows[order], due_all[order], day[order], cancelled[order]
    under4 = day - s.dob[rows] < 4 * 365.25
    participation = np.where(under4, "PN0", choice(rng, PARTICIPATION, len(rows)))
    participation = np.where(cancelled, "", participation).astype(object)
    rec.add("cla_reviews", period=s.id[rows], due=due_all, day=day, cancelled=flag(cancelled),
            participation=participation)


def _window_start(rng: np.random.Generator, ctx: Context, s: Spells) -> np.ndarray:
    """Recurring events are drawn from entry, or shortly before the extract's lookback for long stays."""
    late_start = ctx.keep_from - 120 + rng.integers(0, 60, len(s.id))
    return np.maximum(s.entry, late_start)


def _visits(ctx: Context, rec: Records, s: Spells) -> None:
    rng = ctx.rng("cla-visits")
    r, day = recurring(rng, _window_start(rng, ctx, s), s.stop, mixture((1.0, 0, 7)),
                       mixture((0.74, 14, 42), (0.19, 43, 60), (0.07, 61, 95)))
    keep = day >= ctx.keep_from
    r, day = r[keep], day[keep]
    under5 = day - s.dob[r] < 5 * 365.25
    rec.add("cla_visits", period=s.id[r], person=s.person[r], day=day, seen=flag(rng.random(len(r)) < 0.96),
            alone=flag(~under5 & (rng.random(len(r)) < 0.65)))


def _health(ctx: Context, rec: Records, s: Spells) -> None:
    """Initial health assessment soon after entry, reviews every 6 or 12 months, dental checks yearly."""
    rng = ctx.rng("cla-health")
    n = len(s.id)
    eligible = s.route != "SHORT_BREAK"
    iha = ctx.wd.add(s.entry, np.where(rng.random(n) < 0.6, uniform_days(rng, 5, 20, n), uniform_days(rng, 21, 70, n)))
    has_iha = eligible & (iha < s.stop)
    under5 = (s.entry - s.dob) < 5 * 365.25

    def rha_gap(g: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        return np.where(under5[rows], uniform_days(g, 150, 200, len(rows)), uniform_days(g, 300, 390, len(rows)))

    rr, rha = recurring(rng, iha, np.where(has_iha, s.stop, iha), rha_gap, rha_gap)
    dr, dental = recurring(rng, s.entry, np.where(eligible, s.stop, s.entry), mixture((1.0, 60, 300)),
                           mixture((1.0, 270, 420)))
    rows = np.concatenate([np.flatnonzero(has_iha), rr, dr])
    day = np.concatenate([iha[has_iha], rha, dental])
    kind = np.concatenate([np.full(int(has_iha.sum()), "IHA", dtype=object), np.full(len(rr), "RHA", dtype=object),
                           np.full(len(dr), "DENTAL", dtype=object)])
    keep = (day >= ctx.keep_from) & (day <= ctx.end)
    rows, day, kind = rows[keep], day[keep], kind[keep]
    order = np.lexsort((day, rows))
    rows, day, kind = rows[order], day[order], kind[order]
    rec.add("health", period=s.id[rows], person=s.person[rows], kind=kind, day=day,
            status=choice(rng, HEALTH_STATUS, len(rows)))


def _immunisations(ctx: Context, rec: Records, s: Spells) -> None:
    """The latest immunisation status of each child looked after for 3 months or more (one row a child)."""
    rng = ctx.rng("cla-immunisations")
    long_enough = (s.stop - s.entry >= 90) & (s.route != "SHORT_BREAK")
    rows = np.flatnonzero(long_enough)
    last_of_person = np.unique(s.person[rows][::-1], return_index=True)[1]
    rows = rows[::-1][last_of_person]
    latest = np.minimum(s.stop[rows] - 1, ctx.end)
    day = np.maximum(latest - rng.integers(0, 300, len(rows)), s.entry[rows] + 30)
    day = np.minimum(day, latest)
    rec.add("immunisations", person=s.person[rows], status=flag(rng.random(len(rows)) < 0.86), day=day)


def _sdq(ctx: Context, rec: Records, s: Spells) -> None:
    """Yearly SDQs for children aged 4-16 looked after for a year or more."""
    rng = ctx.rng("cla-sdq")
    r, day = recurring(rng, _window_start(rng, ctx, s), s.stop, mixture((1.0, 120, 365)), mixture((1.0, 320, 410)))
    eligible = ((day >= birthday(s.dob[r], 4)) & (day < birthday(s.dob[r], 17)) & (day >= ctx.keep_from)
                & (s.route[r] != "SHORT_BREAK"))
    r, day = r[eligible], day[eligible]
    done = rng.random(len(r)) >= 0.05
    score = np.clip(np.round(rng.normal(14.5, 6.5, len(r))), 0, 40).astype(int)
    rec.add("sdq", person=s.person[r], day=day, score=np.where(done, score.astype(str), "").astype(object),
            reason=np.where(done, "", choice(rng, SDQ_NOT_DONE, len(r))).astype(object))


def missing_episodes(ctx: Context, rec: Records, rng: np.random.Generator, person: np.ndarray, dob: np.ndarray,
                     start: np.ndarray, stop: np.ndarray, p_prone: np.ndarray, rate_median: float) -> None:
    """Missing / away episodes for children aged 10+ within spells [start, stop)."""
    first = np.maximum(start, birthday(dob, 10))
    prone = rng.random(len(person)) < p_prone
    first = np.where(prone, first, stop)
    rate = rate_median * np.exp(0.8 * rng.standard_normal(len(person)))

    def gap(g: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        return 1 + np.floor(g.exponential(365.25 / rate[rows])).astype("int64")

    r, day = recurring(rng, first, stop, gap, gap)
    keep = (day >= ctx.keep_from) & (day <= ctx.end)
    r, day = r[keep], day[keep]
    n = len(r)
    length = np.select([rng.random(n) < 0.3, rng.random(n) < 0.57], [0, 1], uniform_days(rng, 2, 7, n))
    # a child is back before going missing again (903 rule 574): an episode ends by the spell's next start
    next_in_spell = np.append(r[1:] == r[:-1], False)
    length = np.where(next_in_spell, np.minimum(length, np.append(day[1:], 0) - day), length)
    kind = np.where(rng.random(n) < 0.85, "M", "A").astype(object)
    offered = np.where(kind == "M", rng.random(n) < 0.88, rng.random(n) < 0.2)
    end = censor(day + length, ctx.end)
    accepted = np.where(offered, flag(rng.random(n) < 0.6), "")
    rec.add("missing", person=person[r], start=day, end=end, kind=kind,
            offered=np.where(is_na(end), "", flag(offered)).astype(object),
            accepted=np.where(is_na(end), "", accepted).astype(object))


def _missing_in_care(ctx: Context, rec: Records, s: Spells) -> None:
    rng = ctx.rng("missing-in-care")
    age_at_entry = (s.entry - s.dob) / 365.25
    p_prone = np.select([age_at_entry >= 13, age_at_entry >= 8], [0.33, 0.16], 0.06)
    p_prone = np.where(s.route == "SHORT_BREAK", 0, p_prone)
    missing_episodes(ctx, rec, rng, s.person, s.dob, s.entry, s.stop, p_prone, 3.0)


def _permanence(ctx: Context, rec: Records, s: Spells) -> None:
    """Adoption milestones (including plans in progress and decisions reversed), SGOs and CAOs."""
    adm = s.column("adm")
    sgo = np.isin(s.reason, ("E43", "E44")) & ~is_na(s.end)
    cao = (s.reason == "E41") & ~is_na(s.end)
    adopted = np.isin(s.reason, ("E11", "E12")) & ~is_na(s.end)
    rows = np.flatnonzero(((adm <= ctx.end) & ~is_na(adm)) | sgo | cao)
    order_type = np.select([adopted, sgo, cao], ["ADOPTION", "SGO", "CAO"], "").astype(object)[rows]

    def known(col: str) -> np.ndarray:
        return censor(s.column(col)[rows], ctx.end)

    rec.add("permanence", person=s.person[rows], period=s.id[rows], adm=known("adm"), po=known("po"),
            matched=known("matched"), placed=known("placed"),
            order_day=np.where(order_type != "", s.end[rows], NA), order_type=order_type,
            reversed_on=known("reversed_on"))


def _immigration(ctx: Context, rec: Records, s: Spells) -> None:
    """UASC status while looked after; some are later granted refugee status."""
    rng = ctx.rng("immigration")
    rows = np.flatnonzero(s.route == "UASC")
    end = censor(np.minimum(s.stop[rows], birthday(s.dob[rows], 18)), ctx.end)
    end = np.where(s.stop[rows] > ctx.end, NA, end)
    rec.add("immigration", person=s.person[rows], status=np.full(len(rows), "UASC", dtype=object),
            start=s.entry[rows], end=end)
    granted = s.entry[rows] + uniform_days(rng, 200, 800, len(rows))
    ok = (rng.random(len(rows)) < 0.45) & (granted <= ctx.end)
    rec.add("immigration", person=s.person[rows][ok], status=np.full(int(ok.sum()), "REFUGEE", dtype=object),
            start=granted[ok], end=np.full(int(ok.sum()), NA))


def _care_leavers(ctx: Context, rec: Records, s: Spells) -> None:
    """Status updates for care leavers, from leaving care to their 21st birthday."""
    rng = ctx.rng("care-leavers")
    leaver = care_leavers({"end": s.end, "entry": s.entry, "reason": s.reason, "route": s.route}, s.dob, ctx.end)
    rows = np.flatnonzero(leaver)
    engaged = rng.random(len(rows)) < 0.62
    first = np.maximum(s.end[rows], birthday(s.dob[rows], 17))  # the care leaver cohort is aged 17-21
    r, day = recurring(rng, first, birthday(s.dob[rows], 21), mixture((1.0, 0, 40)), mixture((1.0, 90, 200)))
    keep = (day >= ctx.keep_from) & (day <= ctx.end)
    r, day = r[keep], day[keep]
    n = len(r)
    who = rows[r]
    age = (day - s.dob[who]) / 365.25
    in_touch = choice(rng, IN_TOUCH, n)
    known = np.isin(in_touch, ("YES", "NREQ", "RHOM"))
    eet = rng.random(n) < np.where(engaged[r], 0.82, 0.2)
    activity = np.where(eet, choice(rng, EET_ACTIVITY, n), choice(rng, NEET_ACTIVITY, n))
    staying_put = (s.reason[who] == "E17") & (rng.random(n) < 0.75)
    accommodation = np.where(age < 18, choice(rng, ACCOMMODATION_16_17, n),
                             np.where(staying_put, "Z", choice(rng, ACCOMMODATION_18_PLUS, n)))
    suitable = ~np.isin(accommodation, UNSUITABLE) & (rng.random(n) < 0.95)
    overdue = rng.random(n) < 0.15
    review = day - np.where(overdue, uniform_days(rng, 183, 300, n), uniform_days(rng, 0, 30, n))
    review = np.maximum(review, s.end[who])
    rec.add("care_leavers", person=s.person[who], eligibility=np.where(age < 18, "RELEVANT", "FORMER_RELEVANT"),
            in_touch=in_touch, day=day, accommodation=np.where(known, accommodation, "").astype(object),
            suitable=np.where(known, flag(suitable), "").astype(object),
            activity=np.where(known, activity, "").astype(object), review=review)
