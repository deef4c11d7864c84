"""Front-door journeys: contact -> referral -> assessment -> S47 -> ICPC -> CP plan -> care, and back again.

Children arrive at the front door over time. Each referral's journey is drawn for a whole batch of
children at once (vectorised); when it closes, some children are referred again later, which makes
the next batch. Batches repeat until no child has a further referral before the extract date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.care import plan_periods
from synthetic.context import Context
from synthetic.days import NA, add_months, birthday, censor, is_na, weekday
from synthetic.draw import chance, choice, flag, geometric_days, lognormal_days, uniform_days
from synthetic.people import ETHNICITY_UASC, People, draw_children
from synthetic.records import Records
from synthetic.recurring import mixture, recurring

# Yearly volumes at scale 1 (a Darlington-sized authority, 0-17 population about 23,000).
NEW_REFERRED_CHILDREN_PER_YEAR = 800
CONTACT_ONLY_CHILDREN_PER_YEAR = 1300
UASC_PER_YEAR = 12
SHORT_BREAK_CHILDREN_PER_YEAR = 1.6
UNBORN_CHILDREN = 6

# Pathways of one referral.
NFA, ASSESS, CARE, TRANSFER_IN, UASC, SHORT_BREAK, UNBORN = range(7)

REFERRAL_SOURCE = {
    "1A": 1.0, "1B": 2.0, "1C": 1.5, "1D": 1.5, "2A": 16.0, "2B": 2.0, "3A": 4.0, "3B": 2.0, "3C": 1.0,
    "3D": 3.0, "3E": 2.0, "3F": 2.0, "4": 1.5, "5A": 2.5, "5B": 3.0, "5C": 1.5, "5D": 2.0, "6": 29.0,
    "7": 1.5, "8": 9.0, "9": 2.5, "10": 5.0,
}
PRIMARY_NEED = {"N1": 56, "N2": 3, "N3": 4, "N4": 12, "N5": 13, "N6": 3, "N7": 1, "N8": 3, "N9": 5}
CP_CATEGORY = {"NEG": 48, "EMO": 36, "PHY": 7, "SAB": 4, "MUL": 5}
ASSESSMENT_FACTORS = {
    "3A": 14, "3B": 16, "4A": 7, "4B": 14, "2A": 4, "2B": 8, "1A": 3, "1B": 6, "18B": 6, "18C": 4, "6A": 4,
    "6B": 3, "5A": 3, "5B": 3, "5C": 3, "7A": 2, "8B": 2, "9A": 2, "10A": 2, "11A": 2, "12A": 1, "13A": 1,
    "14A": 1, "15A": 1, "16A": 1, "17A": 1, "19A": 2, "19B": 1, "20": 1, "21": 4, "22A": 2, "23A": 1, "24A": 1,
}
CONTACT_OUTCOME_OTHER = {"NFA": 0.36, "ADVICE": 0.30, "EARLY_HELP": 0.20, "SIGNPOSTED": 0.14}
EH_REASON = {
    "PARENTING": 25, "DOMESTIC_ABUSE": 15, "SCHOOL_ATTENDANCE": 15, "EMOTIONAL_WELLBEING": 15,
    "BEHAVIOUR": 12, "SUBSTANCE_MISUSE": 5, "HOUSING_FINANCE": 8, "OTHER": 5,
}
EH_ORGANISATION = {"Family Hub": 55, "School": 25, "Health visiting": 10, "Voluntary sector": 10}
EH_END = {"NEEDS_MET": 0.57, "STEP_DOWN": 0.14, "DISENGAGED": 0.17, "MOVED": 0.12}


@dataclass(frozen=True)
class Batch:
    """Referrals still to be drawn: one per child."""

    person: np.ndarray
    day: np.ndarray  # referral date
    pathway: np.ndarray  # forced pathway, or -1 to draw one
    prev_close: np.ndarray  # close date of the child's previous referral (or a floor)
    prior_cp: np.ndarray  # the child has had a CP plan

    def __len__(self) -> int:
        return len(self.person)

    def take(self, mask: np.ndarray) -> Batch:
        return Batch(*(getattr(self, f)[mask] for f in ("person", "day", "pathway", "prev_close", "prior_cp")))


def day_weights(ctx: Context, first: int, last: int) -> np.ndarray:
    """Relative front-door activity per day: weekdays, bank holidays, August and Christmas."""
    days = np.arange(first, last + 1)
    as_date = days.astype("datetime64[D]")
    month = as_date.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (as_date - as_date.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    w = np.where(weekday(days) >= 5, 0.25, 1.0)
    w = np.where(ctx.wd.is_working(days) | (weekday(days) >= 5), w, 0.25)
    w = w * np.where(month == 8, 0.8, 1.0) * np.where((month == 12) & (dom >= 20), 0.6, 1.0)
    return w


def arrivals(ctx: Context, rng: np.random.Generator, per_year: float, first: int, last: int) -> np.ndarray:
    n = rng.poisson(per_year * ctx.scale * ctx.years(first, last))
    if n == 0 or last < first:
        return np.zeros(0, dtype="int64")
    w = day_weights(ctx, first, last)
    return np.sort(first + rng.choice(last - first + 1, size=n, p=w / w.sum()).astype("int64"))


def first_batch(ctx: Context, people: People) -> Batch:
    """Children arriving at the front door for the first time, and the special routes (UASC, short breaks,
    unborn babies)."""
    rng = ctx.rng("arrivals")
    parts = []
    day = ctx.wd.next_working(arrivals(ctx, rng, NEW_REFERRED_CHILDREN_PER_YEAR, ctx.sim_start, ctx.end))
    parts.append((draw_children(rng, people, day), day, -1))

    day = arrivals(ctx, rng, UASC_PER_YEAR, ctx.sim_start, ctx.end)
    uasc_ages = np.zeros(18)
    uasc_ages[14:18] = [1, 3, 5, 4]
    parts.append((draw_children(rng, people, day, weights=uasc_ages, ethnicity=ETHNICITY_UASC,
                                sex={"M": 0.9, "F": 0.1}), day, UASC))

    day = arrivals(ctx, rng, SHORT_BREAK_CHILDREN_PER_YEAR, ctx.start - 4 * 365, ctx.end)
    if not (day >= ctx.start).any():  # always a child on short breaks in the window, however small the scale
        day = np.append(day, ctx.start + rng.integers(0, ctx.end - ctx.start + 1))
    day = np.minimum(ctx.wd.next_working(day), ctx.end)
    sb_ages = np.zeros(18)
    sb_ages[4:16] = 1
    parts.append((draw_children(rng, people, day, weights=sb_ages), day, SHORT_BREAK))

    n = max(1, int(rng.poisson(UNBORN_CHILDREN * ctx.scale)))
    day = np.minimum(ctx.wd.next_working(np.sort(ctx.end - rng.integers(1, 150, n))), ctx.end)
    expected = np.maximum(day + uniform_days(rng, 40, 200, n), ctx.end + 1)
    unborn = people.add(np.full(n, NA), choice(rng, {"U": 0.7, "M": 0.15, "F": 0.15}, n),
                        choice(rng, {"NOBT": 0.6, "WBRI": 0.4}, n), expected_dob=expected)
    parts.append((unborn, day, UNBORN))

    person = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts]).astype("int64")
    pathway = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    return Batch(person, day, pathway, np.full(len(person), ctx.sim_start - 3650), np.zeros(len(person), bool))


def run(ctx: Context, people: People, rec: Records) -> None:
    """All referral journeys, batch after batch."""
    batch = first_batch(ctx, people)
    dob = people.dob()
    rng = ctx.rng("journeys")
    rounds = 0
    while len(batch):
        batch = _journeys(ctx, rng, rec, dob, batch)
        rounds += 1
        if rounds > 50:
            raise RuntimeError("journeys did not settle")
    contact_only_children(ctx, people, rec)


@dataclass
class Drawn:
    """One batch of referrals as it is drawn, step by step (arrays aligned with the batch)."""

    b: Batch
    dob: np.ndarray
    bday18: np.ndarray
    referral: np.ndarray
    pathway: np.ndarray
    need: np.ndarray
    last: np.ndarray  # latest activity so far (NA = something still open)
    close_reason: np.ndarray


@dataclass
class CareResult:
    entry: np.ndarray  # care entry date per referral (NA if none)
    route: np.ndarray
    reason: np.ndarray  # reason the period of care ended ('' if none or still open)
    outcome: np.ndarray


def _journeys(ctx: Context, rng: np.random.Generator, rec: Records, dob_all: np.ndarray, b: Batch) -> Batch:
    dob = dob_all[b.person]
    unborn = is_na(dob)
    b = b.take((b.day <= ctx.end) & (unborn | ((b.day < birthday(dob, 18)) & (b.day >= dob))))
    if not len(b):
        return b
    n = len(b)
    dob = dob_all[b.person]
    pathway = _pathways(rng, b, dob)
    s47, icpc, cp = _decide(rng, b, dob, pathway)
    source, need = _sources(rng, pathway), _needs(rng, pathway, s47)
    referral = rec.add("referrals", person=b.person, day=b.day, need=need, source=source,
                       nfa=flag(pathway == NFA), close=np.full(n, NA), close_reason=np.full(n, "", dtype=object))
    d = Drawn(b, dob, birthday(dob, 18), referral, pathway, need, b.day.copy(), np.full(n, "", dtype=object))
    _contacts(ctx, rng, rec, d, source)
    _step_up_early_help(rng, rec, d)
    outcome = _outcomes(rng, d, s47, icpc, cp)
    _assessments(ctx, rng, rec, d, outcome)
    cp_end, care = _child_protection(ctx, rng, rec, d, s47, icpc, cp)
    care = _direct_care(ctx, rng, d, care)
    cin = _cin_plans(ctx, rng, rec, d, outcome, cp, cp_end)
    care = _care(ctx, rng, rec, d, care)
    close = _close(ctx, rng, rec, d, outcome, cp, cin, care)
    return _next(ctx, rng, rec, d, close, outcome, cp, care)


def _pathways(rng: np.random.Generator, b: Batch, dob: np.ndarray) -> np.ndarray:
    n = len(b)
    years = np.where(is_na(dob), 0, b.day - dob) / 365.25
    p_care = np.select([years < 1, years < 10, years < 16], [0.10, 0.052, 0.057], 0.067)
    u = rng.random(n)
    drawn = np.select([u < 0.07, u < 0.07 + p_care, u < 0.074 + p_care], [NFA, CARE, TRANSFER_IN], ASSESS)
    return np.where(b.pathway >= 0, b.pathway, drawn)


def _sources(rng: np.random.Generator, pathway: np.ndarray) -> np.ndarray:
    source = choice(rng, REFERRAL_SOURCE, len(pathway))
    source[pathway == TRANSFER_IN] = "5D"
    uasc = pathway == UASC
    source[uasc] = choice(rng, {"6": 0.5, "8": 0.3, "5C": 0.2}, int(uasc.sum()))
    short_break = pathway == SHORT_BREAK
    source[short_break] = choice(rng, {"3A": 0.3, "3B": 0.2, "2B": 0.3, "1A": 0.2}, int(short_break.sum()))
    return source


def _needs(rng: np.random.Generator, pathway: np.ndarray, s47: np.ndarray) -> np.ndarray:
    """Primary need: abuse or neglect (N1) for most S47 enquiries and children coming into care."""
    need = choice(rng, PRIMARY_NEED, len(pathway))
    protective = (s47 | (pathway == CARE)) & (rng.random(len(pathway)) < 0.75)
    need[protective] = "N1"
    need[pathway == UASC] = "N8"
    need[pathway == SHORT_BREAK] = "N2"
    need[pathway == TRANSFER_IN] = "N1"
    return need


def _contacts(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, source: np.ndarray) -> None:
    """The contact that became this referral, and earlier contacts about the child that did not."""
    n = len(d.b)
    floor = np.maximum(d.b.prev_close + 1, np.where(is_na(d.dob), d.b.day - 200, d.dob))
    contact = np.maximum(d.b.day - geometric_days(rng, 0.6, 3, n), np.minimum(floor, d.b.day))
    rec.add("contacts", person=d.b.person, day=contact, source=source,
            outcome=np.full(n, '["REFERRAL"]', dtype=object))

    extra = rng.poisson(0.45, n)
    extra[d.pathway >= UASC] = 0
    rows = np.repeat(np.arange(n), extra)
    lo = np.maximum(floor[rows], d.b.day[rows] - 540)
    hi = d.b.day[rows] - 14
    ok = lo <= hi
    rows, lo, hi = rows[ok], lo[ok], hi[ok]
    outcome = choice(rng, CONTACT_OUTCOME_OTHER, len(rows))
    rec.add("contacts", person=d.b.person[rows], day=uniform_days(rng, lo, hi, len(rows)),
            source=choice(rng, REFERRAL_SOURCE, len(rows)), outcome=_outcome_json(outcome))


def _outcome_json(codes: np.ndarray) -> np.ndarray:
    return np.array([f'["{c}"]' for c in codes], dtype=object)


def _step_up_early_help(rng: np.random.Generator, rec: Records, d: Drawn) -> None:
    """Some referrals are step-ups from an early help episode, which ends that day."""
    n = len(d.b)
    start = d.b.day - uniform_days(rng, 60, 330, n)
    floor = np.maximum(d.b.prev_close + 1, np.where(is_na(d.dob), NA, d.dob))
    ok = chance(rng, 0.11, n) & (d.pathway == ASSESS) & (start >= floor)
    k = int(ok.sum())
    rec.add("early_help", person=d.b.person[ok], start=start[ok], end=d.b.day[ok],
            reason=choice(rng, EH_REASON, k), end_reason=np.full(k, "STEP_UP", dtype=object),
            organisation=choice(rng, EH_ORGANISATION, k))


def _decide(rng: np.random.Generator, b: Batch, dob: np.ndarray,
            pathway: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which referrals go on to an S47 enquiry, an ICPC and a CP plan (dates come later)."""
    n = len(b)
    teen = (b.day - np.where(is_na(dob), b.day, dob)) > 16 * 365
    p_s47 = np.where(b.prior_cp, 0.55, 0.30) * np.where(teen, 0.7, 1.0)
    s47 = ((pathway == ASSESS) & (rng.random(n) < p_s47)) | ((pathway == CARE) & (rng.random(n) < 0.6))
    icpc = s47 & (pathway == ASSESS) & (rng.random(n) < np.where(b.prior_cp, 0.55, 0.37))
    icpc |= pathway == TRANSFER_IN
    cp = icpc & (rng.random(n) < np.where(pathway == TRANSFER_IN, 0.96, 0.88))
    return s47, icpc, cp


def _outcomes(rng: np.random.Generator, d: Drawn, s47: np.ndarray, icpc: np.ndarray, cp: np.ndarray) -> np.ndarray:
    """What follows the assessment (and any S47/ICPC): NFA, EH (stepped down to early help), CIN plan, or ''."""
    u = rng.random(len(d.b))
    plain = np.select([u < 0.33, u < 0.58], ["NFA", "EH"], "CIN")
    after_s47 = np.select([u < 0.30, u < 0.50], ["NFA", "EH"], "CIN")
    after_icpc = np.select([u < 0.10, u < 0.30], ["NFA", "EH"], "CIN")
    outcome = np.select([icpc & ~cp, s47], [after_icpc, after_s47], plain).astype(object)
    outcome[cp | np.isin(d.pathway, (NFA, CARE, UASC, TRANSFER_IN, UNBORN))] = ""
    outcome[d.pathway == SHORT_BREAK] = "CIN"
    return outcome


def _assessments(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, outcome: np.ndarray) -> None:
    """Single assessments: most within 45 working days of starting, some well beyond."""
    n = len(d.b)
    start = ctx.wd.add(d.b.day, rng.choice([0, 1, 2, 3, 5, 8], size=n, p=[0.45, 0.25, 0.12, 0.08, 0.06, 0.04]))
    over = rng.random(n) < 0.14
    within = np.clip(np.round(rng.gamma(2.6, 9.0, n)) + 4, 4, 45)
    beyond = 46 + np.floor(rng.exponential(16, n))
    auth = censor(ctx.wd.add(start, np.where(over, beyond, within).astype("int64")), ctx.end)
    has = (d.pathway != NFA) & (start <= ctx.end) & (is_na(d.dob) | (start < d.bday18))
    rows = np.flatnonzero(has)
    open_ = is_na(auth[rows])
    nfa = np.isin(outcome[rows], ("NFA", "EH"))
    assessment = rec.add(
        "assessments", referral=d.referral[rows], person=d.b.person[rows], start=start[rows], auth=auth[rows],
        nfa=np.where(open_, "", flag(nfa)).astype(object),
        seen=np.where(open_, "", flag(rng.random(len(rows)) < 0.95)).astype(object),
    )
    done = ~open_
    rec.add("assessment_factors", assessment=assessment[done], factors=_factors_json(rng, int(done.sum())))
    d.last = np.where(has, np.where(is_na(auth), NA, np.maximum(d.last, auth)), d.last)


def _factors_json(rng: np.random.Generator, n: int) -> np.ndarray:
    """1-6 distinct assessment factor codes per assessment, weighted (Gumbel top-k), as JSON arrays."""
    codes = np.array(list(ASSESSMENT_FACTORS), dtype=object)
    weights = np.array(list(ASSESSMENT_FACTORS.values()), dtype=float)
    keys = -np.log(rng.random((n, len(codes)))) / weights
    ranked = np.argsort(keys, axis=1)
    k = 1 + np.minimum(rng.poisson(1.3, n), 5)
    return np.array(["[" + ",".join(f'"{c}"' for c in codes[np.sort(row[:m])]) + "]"
                     for row, m in zip(ranked, k)], dtype=object)


def _latest(last: np.ndarray, when: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Fold an activity's end into the referral's latest activity (NA = something still open)."""
    return np.where(where, np.where(is_na(last) | is_na(when), NA, np.maximum(last, when)), last)


def _child_protection(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, s47: np.ndarray,
                      icpc: np.ndarray, cp: np.ndarray) -> tuple[np.ndarray, CareResult]:
    """S47 enquiries, ICPCs, CP plans. Returns the CP plan end per referral, and care entered from a plan."""
    n = len(d.b)
    transfer = d.pathway == TRANSFER_IN
    s47_start = ctx.wd.add(d.b.day, rng.choice([0, 1, 2, 3, 5], size=n, p=[0.55, 0.25, 0.1, 0.05, 0.05]))
    s47 = s47 & (s47_start <= ctx.end) & (s47_start < d.bday18)
    late = rng.random(n) < 0.22
    icpc_day = ctx.wd.add(s47_start, np.where(late, uniform_days(rng, 16, 30, n), uniform_days(rng, 5, 15, n)))
    icpc_day = np.where(transfer, ctx.wd.add(d.b.day, uniform_days(rng, 3, 15, n)), icpc_day)
    intended = icpc & (s47 | transfer) & (icpc_day < d.bday18)
    icpc = intended & (icpc_day <= ctx.end)
    cp = cp & icpc
    d.last = np.where(intended & ~icpc, NA, d.last)  # the conference is still to come: the referral stays open
    s47_end = np.where(icpc & ~transfer, np.maximum(s47_start, icpc_day - uniform_days(rng, 0, 3, n)),
                       ctx.wd.add(s47_start, uniform_days(rng, 3, 25, n)))
    s47_end = censor(s47_end, ctx.end)

    rows = np.flatnonzero(s47)
    s47_id = np.full(n, -1)
    nfa = ~icpc[rows] & (rng.random(len(rows)) < 0.5)
    s47_id[rows] = rec.add("s47", referral=d.referral[rows], person=d.b.person[rows], start=s47_start[rows],
                           end=s47_end[rows], nfa=np.where(is_na(s47_end[rows]), "", flag(nfa)).astype(object))
    d.last = _latest(d.last, s47_end, s47)

    rows = np.flatnonzero(icpc)
    icpc_id = np.full(n, -1)
    icpc_id[rows] = rec.add("icpc", referral=d.referral[rows], person=d.b.person[rows], s47=s47_id[rows],
                            day=icpc_day[rows], transfer_in=flag(transfer[rows]), cp_flag=flag(cp[rows]),
                            cp_plan=np.full(len(rows), -1))
    d.last = _latest(d.last, icpc_day, icpc)
    return _cp_plans(ctx, rng, rec, d, cp, icpc_day, icpc_id)


def _cp_review_schedule(rng: np.random.Generator, start: np.ndarray, slots: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Review conferences: the first due 3 months after the ICPC, then 6 months after each review.
    Returns (due, held) matrices, one row per plan."""
    n = len(start)
    due = np.zeros((n, slots), dtype="int64")
    held = np.zeros((n, slots), dtype="int64")
    previous = start
    for k in range(slots):
        due[:, k] = add_months(previous, 3 if k == 0 else 6)
        late = rng.random(n) < 0.08
        held[:, k] = np.where(late, due[:, k] + uniform_days(rng, 1, 21, n),
                              np.maximum(due[:, k] - uniform_days(rng, 0, 10, n), previous + 1))
        previous = held[:, k]
    return due, held


def _cp_plans(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, cp: np.ndarray,
              start: np.ndarray, icpc_id: np.ndarray) -> tuple[np.ndarray, CareResult]:
    n = len(d.b)
    rows = np.flatnonzero(cp)
    due, held = _cp_review_schedule(rng, start[rows])
    wanted = start[rows] + lognormal_days(rng, 235, 0.6, len(rows), low=20)
    # A plan that does not end in care ends at the review conference on or after its intended length.
    at_review = np.where(held >= wanted[:, None], held, NA).min(axis=1)
    to_care = rng.random(len(rows)) < 0.3
    end = np.where(to_care, start[rows] + lognormal_days(rng, 170, 0.7, len(rows), low=10), at_review)
    to_care &= end < d.bday18[rows]
    end = np.minimum(end, d.bday18[rows])
    known_end = censor(end, ctx.end)
    to_care &= ~is_na(known_end)

    initial = choice(rng, CP_CATEGORY, len(rows))
    latest = np.where(rng.random(len(rows)) < 0.1, choice(rng, CP_CATEGORY, len(rows)), initial)
    plan = rec.add("cp_plans", referral=d.referral[rows], person=d.b.person[rows], icpc=icpc_id[rows],
                   start=start[rows], end=known_end, initial=initial, latest=latest)
    rec.update("icpc", "cp_plan", icpc_id[rows], plan)

    r, k = np.nonzero(held <= np.minimum(end, ctx.end)[:, None])
    rec.add("cp_reviews", plan=plan[r], person=d.b.person[rows][r], due=due[r, k], day=held[r, k])
    _cp_visits(ctx, rng, rec, d.dob[rows], d.b.person[rows], plan, start[rows], np.minimum(end, ctx.end + 1))

    cp_end = np.full(n, NA)
    cp_end[rows] = known_end
    d.last = _latest(d.last, cp_end, cp)
    entry = np.full(n, NA)
    entry[rows[to_care]] = known_end[to_care]
    route = np.where(rng.random(n) < 0.75, "COURT", "S20").astype(object)
    return cp_end, CareResult(entry, route, np.full(n, "", dtype=object), np.full(n, "", dtype=object))


def _cp_visits(ctx: Context, rng: np.random.Generator, rec: Records, dob: np.ndarray, person: np.ndarray,
               plan: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
    """Visits to children on CP plans, at least every 10 working days for most."""
    r, day = recurring(rng, start, stop, mixture((1.0, 0, 5)), mixture((0.82, 3, 10), (0.15, 11, 15), (0.03, 16, 25)),
                       wd=ctx.wd)
    under5 = (day - dob[r]) < 5 * 365
    rec.add("cp_visits", plan=plan[r], person=person[r], day=day,
            seen=flag(rng.random(len(r)) < 0.95), alone=flag(~under5 & (rng.random(len(r)) < 0.7)))


def _direct_care(ctx: Context, rng: np.random.Generator, d: Drawn, care: CareResult) -> CareResult:
    """Children who come into care straight from the referral (emergencies, s20, UASC, short breaks)."""
    n = len(d.b)
    teen = (d.b.day - np.where(is_na(d.dob), d.b.day, d.dob)) >= 16 * 365
    route = np.where(teen, choice(rng, {"S20": 0.65, "EMERGENCY": 0.2, "COURT": 0.15}, n),
                     choice(rng, {"EMERGENCY": 0.35, "S20": 0.4, "COURT": 0.25}, n))
    entry = np.select([d.pathway == CARE, d.pathway == UASC, d.pathway == SHORT_BREAK],
                      [d.b.day + geometric_days(rng, 0.5, 8, n), d.b.day, d.b.day + uniform_days(rng, 20, 90, n)],
                      NA)
    route = np.select([d.pathway == UASC, d.pathway == SHORT_BREAK], ["UASC", "SHORT_BREAK"], route).astype(object)
    direct = ~is_na(entry) & (entry <= ctx.end) & (entry < d.bday18)
    d.last = np.where(~is_na(entry) & (entry > ctx.end) & (entry < d.bday18), NA, d.last)
    return CareResult(np.where(direct, entry, care.entry), np.where(direct, route, care.route).astype(object),
                      care.reason, care.outcome)


def _cin_plans(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, outcome: np.ndarray,
               cp: np.ndarray, cp_end: np.ndarray) -> np.ndarray:
    """CIN plans after an assessment, or as a step down from a CP plan. Returns which referrals had one."""
    n = len(d.b)
    after_assessment = (outcome == "CIN") & ~is_na(d.last)
    step_down = cp & ~is_na(cp_end) & (rng.random(n) < 0.55)
    start = np.where(step_down, cp_end, d.last + uniform_days(rng, 0, 10, n))
    has = (after_assessment | step_down) & (start <= ctx.end) & (start < d.bday18)
    end = np.minimum(start + lognormal_days(rng, 190, 0.55, n, low=30), d.bday18)
    rows = np.flatnonzero(has)
    known_end = censor(end[rows], ctx.end)
    plan = rec.add("cin_plans", referral=d.referral[rows], person=d.b.person[rows], start=start[rows], end=known_end)
    r, day = recurring(rng, start[rows], np.minimum(end[rows], ctx.end + 1), mixture((1.0, 3, 20)),
                       mixture((0.8, 10, 35), (0.2, 36, 70)))
    rec.add("cin_visits", plan=plan[r], person=d.b.person[rows][r], day=day, seen=flag(rng.random(len(r)) < 0.9))
    d.last = _latest(d.last, np.where(has, censor(end, ctx.end), NA), has)
    return has


def _care(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, care: CareResult) -> CareResult:
    """Periods of care started by these referrals; their end folds into the referral's latest activity."""
    rows = np.flatnonzero(~is_na(care.entry))
    if not len(rows):
        return care
    period = plan_periods(rng, rec, person=d.b.person[rows], entry=care.entry[rows], dob=d.dob[rows],
                          route=care.route[rows], need=d.need[rows], referral=d.referral[rows])
    periods = rec.get("periods")
    end = censor(periods["end"][period], ctx.end)
    reason = care.reason.copy()
    outcome = care.outcome.copy()
    reason[rows] = np.where(is_na(end), "", periods["reason"][period])
    outcome[rows] = periods["outcome"][period]
    in_care = np.zeros(len(d.b), dtype=bool)
    in_care[rows] = True
    full_end = np.full(len(d.b), NA)
    full_end[rows] = end
    d.last = _latest(d.last, full_end, in_care)
    return CareResult(care.entry, care.route, reason, outcome)


_CLOSE_FROM_CARE = {"E11": "RC1", "E12": "RC1", "E43": "RC4", "E44": "RC4", "E41": "RC3", "E3": "RC5"}


def _close(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, outcome: np.ndarray, cp: np.ndarray,
           cin: np.ndarray, care: CareResult) -> np.ndarray:
    """Referral close date: after the last activity (blank while anything is open), and its reason."""
    n = len(d.b)
    lag = np.where(rng.random(n) < 0.35, 0, uniform_days(rng, 1, 21, n))
    close = np.where(d.pathway == NFA, d.b.day + geometric_days(rng, 0.6, 2, n), d.last + lag)
    close = np.where(close >= d.bday18, np.maximum(d.last, d.bday18 - 1), close)
    close = np.where(is_na(d.last) | (d.pathway == UNBORN), NA, censor(close, ctx.end))

    reason = np.full(n, "RC7", dtype=object)
    reason[(d.pathway == NFA) | ((outcome == "NFA") & ~cin & ~cp)] = "RC8"
    reason[(outcome == "EH") & ~cin & ~cp] = "RC9"
    from_care = np.array([_CLOSE_FROM_CARE.get(r, "") for r in care.reason], dtype=object)
    reason = np.where(from_care != "", from_care, reason)
    aged_out = (care.outcome == "aged_out") | (close >= d.bday18 - 1)
    reason = np.where(aged_out & (rng.random(n) < 0.4), "RC6", reason)
    died = ~is_na(close) & (rng.random(n) < 0.0015) & (care.reason == "")
    reason = np.where(died, "RC2", reason)
    reason = np.where(is_na(close), "", reason).astype(object)
    rec.update("referrals", "close", d.referral, close)
    rec.update("referrals", "close_reason", d.referral, reason)
    rec.add("deaths", person=d.b.person[died], day=close[died])
    d.close_reason = reason
    return close


def _next(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, close: np.ndarray, outcome: np.ndarray,
          cp: np.ndarray, care: CareResult) -> Batch:
    """Some children are referred again after the referral closes; some closures step down to early help."""
    n = len(d.b)
    p = np.where(cp, 0.55, 0.40)
    soon = rng.random(n) < 0.55
    gap = np.where(soon, 7 + np.floor(rng.exponential(110, n)), uniform_days(rng, 365, 1400, n)).astype("int64")
    next_day = ctx.wd.next_working(np.where(is_na(close), 0, close) + gap)
    again = (~is_na(close) & (rng.random(n) < p) & (next_day <= ctx.end) & (next_day < d.bday18)
             & ~np.isin(d.close_reason, ("RC1", "RC2", "RC5", "RC6")) & ~np.isin(d.pathway, (UASC, SHORT_BREAK)))
    next_day = np.where(again, next_day, NA)
    _step_down_early_help(ctx, rng, rec, d, close, next_day)
    return Batch(d.b.person[again], next_day[again], np.full(int(again.sum()), -1), close[again],
                 (d.b.prior_cp | cp)[again])


def _step_down_early_help(ctx: Context, rng: np.random.Generator, rec: Records, d: Drawn, close: np.ndarray,
                          next_day: np.ndarray) -> None:
    rows = np.flatnonzero((d.close_reason == "RC9") & (rng.random(len(d.b)) < 0.8))
    start = close[rows] + uniform_days(rng, 0, 14, len(rows))
    end = start + lognormal_days(rng, 170, 0.5, len(rows), low=14)
    stepped_up = next_day[rows] <= end
    end = np.where(stepped_up, next_day[rows], end)
    end_reason = np.where(stepped_up, "STEP_UP", choice(rng, EH_END, len(rows))).astype(object)
    ok = (start <= ctx.end) & (start < d.bday18[rows]) & (next_day[rows] > start)
    end = censor(np.minimum(end, d.bday18[rows]), ctx.end)
    rows, start, end, end_reason = rows[ok], start[ok], end[ok], end_reason[ok]
    end_reason = np.where(is_na(end), "", end_reason).astype(object)
    rec.add("early_help", person=d.b.person[rows], start=start, end=end, reason=choice(rng, EH_REASON, len(rows)),
            end_reason=end_reason, organisation=choice(rng, EH_ORGANISATION, len(rows)))


def contact_only_children(ctx: Context, people: People, rec: Records) -> None:
    """Children whose contacts never became referrals (advice, signposting, early help)."""
    rng = ctx.rng("contact-only")
    first = arrivals(ctx, rng, CONTACT_ONLY_CHILDREN_PER_YEAR, ctx.sim_start, ctx.end)
    person = draw_children(rng, people, first)
    bday18 = birthday(people.dob()[person], 18)
    count = 1 + rng.poisson(1.0, len(person))
    rows = np.repeat(np.arange(len(person)), count)
    nth = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
    gaps = np.where(nth == 0, 0, 14 + np.floor(rng.exponential(240, len(rows)))).astype("int64")
    start_of_child = np.repeat(np.cumsum(count) - count, count)
    day = first[rows] + (np.cumsum(gaps) - np.cumsum(gaps)[start_of_child])
    keep = (day <= ctx.end) & (day < bday18[rows])
    rows, nth, day = rows[keep], nth[keep], day[keep]
    outcome = choice(rng, {**CONTACT_OUTCOME_OTHER, "EARLY_HELP": 0.25}, len(rows))
    rec.add("contacts", person=person[rows], day=day, source=choice(rng, REFERRAL_SOURCE, len(rows)),
            outcome=_outcome_json(outcome))

    eh = (outcome == "EARLY_HELP") & (nth == 0) & (rng.random(len(rows)) < 0.9)
    start = day[eh] + uniform_days(rng, 3, 30, int(eh.sum()))
    ok = (start <= ctx.end) & (start < bday18[rows[eh]])
    who = person[rows[eh]][ok]
    start = start[ok]
    end = censor(np.minimum(start + lognormal_days(rng, 180, 0.5, len(who), low=14), bday18[rows[eh]][ok]), ctx.end)
    rec.add("early_help", person=who, start=start, end=end, reason=choice(rng, EH_REASON, len(who)),
            end_reason=np.where(is_na(end), "", choice(rng, EH_END, len(who))).astype(object),
            organisation=choice(rng, EH_ORGANISATION, len(who)))
