"""Teams, professionals and their involvements with children, sized from the caseloads the journeys made."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.context import Context
from synthetic.days import NA, birthday, censor, is_na
from synthetic.draw import choice
from synthetic.records import Records
from synthetic.recurring import recurring


@dataclass(frozen=True)
class Service:
    key: str
    area: str  # service area (parent department)
    team: str  # team name stem
    caseload: float  # children per worker the service runs at
    titles: dict[str, float]


SOCIAL_WORKERS = {"Social Worker": 55, "Senior Social Worker": 20, "Advanced Practitioner": 10,
                  "Newly Qualified Social Worker": 15}
SERVICES = (
    Service("ASSESSMENT", "Front Door and Assessment", "Assessment Team", 16, SOCIAL_WORKERS),
    Service("SAFEGUARDING", "Safeguarding and Family Support", "Safeguarding Team", 17, SOCIAL_WORKERS),
    Service("CHILDREN_IN_CARE", "Children in Care", "Children in Care Team", 15, SOCIAL_WORKERS),
    Service("DISABLED_CHILDREN", "Disabled Children", "Disabled Children Team", 12, SOCIAL_WORKERS),
    Service("CARE_LEAVERS", "Children in Care", "Leaving Care Team", 22, {"Personal Adviser": 100}),
    Service("EARLY_HELP", "Early Help", "Early Help Team", 18, {"Family Support Worker": 80,
                                                                 "Early Help Practitioner": 20}),
)
TEAM_SIZE = 7
WORKER_CHANGES_PER_YEAR = 0.6


@dataclass
class Spells:
    person: list[np.ndarray]
    start: list[np.ndarray]
    end: list[np.ndarray]
    service: list[np.ndarray]

    def add(self, service: str, person: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        self.person.append(person)
        self.start.append(start)
        self.end.append(end)
        self.service.append(np.full(len(person), service, dtype=object))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return tuple(np.concatenate(x) if x else np.zeros(0) for x in (self.person, self.start, self.end, self.service))


def build(ctx: Context, rec: Records, masks: dict[str, np.ndarray], dob_all: np.ndarray) -> None:
    rng = ctx.rng("workforce")
    person, start, end, service = _spells(ctx, rec, masks, dob_all).arrays()
    live = (start <= ctx.end) & (is_na(end) | ((end >= ctx.keep_from) & (end > start)))
    person, start, end, service = person[live], start[live], end[live], service[live]
    teams = _teams(ctx, rng, rec, start, end, service)
    _involvements(ctx, rng, rec, teams, person, start, end, service)


def _spells(ctx: Context, rec: Records, masks: dict[str, np.ndarray], dob_all: np.ndarray) -> Spells:
    """Who holds each child, when: assessment, then safeguarding (CIN/CP), children in care, care leavers,
    early help."""
    s = Spells([], [], [], [])
    _referral_spells(ctx, rec, masks, s)
    _care_spells(ctx, rec, masks, s, dob_all)
    eh = rec.get("early_help")
    if eh:
        rows = np.flatnonzero(masks["early_help"])
        s.add("EARLY_HELP", eh["person"][rows], eh["start"][rows], eh["end"][rows])
    return s


def _referral_spells(ctx: Context, rec: Records, masks: dict[str, np.ndarray], s: Spells) -> None:
    ref = rec.get("referrals")
    if not ref:
        return
    n = len(ref["day"])
    auth = np.full(n, NA)
    a = rec.get("assessments")
    if a:
        np.minimum.at(auth, a["referral"], a["auth"])
    care_entry = np.full(n, NA)
    periods = rec.get("periods")
    if periods:
        with_referral = periods["referral"] >= 0
        np.minimum.at(care_entry, periods["referral"][with_referral], periods["entry"][with_referral])
    rows = np.flatnonzero(masks["referrals"])
    auth, care_entry, close = auth[rows], care_entry[rows], ref["close"][rows]
    assessed_by = np.where(is_na(auth), close, auth)
    s.add("ASSESSMENT", ref["person"][rows], ref["day"][rows], np.minimum(assessed_by, care_entry))
    longer = np.minimum(close, care_entry)
    ongoing = ~is_na(auth) & (is_na(longer) | (longer - auth > 14)) & (care_entry > auth)
    s.add("SAFEGUARDING", ref["person"][rows][ongoing], auth[ongoing], longer[ongoing])


def _care_spells(ctx: Context, rec: Records, masks: dict[str, np.ndarray], s: Spells, dob_all: np.ndarray) -> None:
    kept = np.flatnonzero(masks["periods"])
    if len(kept):
        periods = rec.get("periods")
        short_break = periods["route"][kept] == "SHORT_BREAK"
        end = censor(periods["end"][kept], ctx.end)
        for service, which in (("CHILDREN_IN_CARE", ~short_break), ("DISABLED_CHILDREN", short_break)):
            s.add(service, periods["person"][kept][which], periods["entry"][kept][which], end[which])
    leavers = rec.get("care_leavers")
    if leavers:
        who = np.unique(leavers["person"])
        first = np.full(len(dob_all), NA)
        np.minimum.at(first, leavers["person"], leavers["day"])
        s.add("CARE_LEAVERS", who, first[who], censor(birthday(dob_all[who], 21), ctx.end))


@dataclass
class Teams:
    """Internal ids of the teams of each service and of the workers of each team."""

    of_service: dict[str, np.ndarray]
    workers: dict[int, np.ndarray]


def _open_on(days: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    return ((start[None, :] <= days[:, None]) & (end[None, :] > days[:, None])).sum(axis=1)


def _teams(ctx: Context, rng: np.random.Generator, rec: Records, start: np.ndarray, end: np.ndarray,
           service: np.ndarray) -> Teams:
    """Departments (authority, service areas, teams) and professionals, sized to the caseloads."""
    sample_days = np.linspace(ctx.start, ctx.end, 13).astype("int64")
    root = rec.add("teams", name=np.array(["Children's Services"], dtype=object), parent=np.array([-1]))
    areas: dict[str, int] = {}
    of_service: dict[str, np.ndarray] = {}
    workers: dict[int, np.ndarray] = {}
    for svc in SERVICES:
        if svc.area not in areas:
            areas[svc.area] = int(rec.add("teams", name=np.array([svc.area], dtype=object), parent=root)[0])
        mine = service == svc.key
        open_cases = _open_on(sample_days, start[mine], end[mine]).mean() if mine.any() else 0.0
        n_workers = max(2, int(np.ceil(open_cases / svc.caseload)))
        n_teams = max(1, int(np.ceil(n_workers / TEAM_SIZE)))
        names = np.array([f"{svc.team} {k + 1}" for k in range(n_teams)], dtype=object)
        team_ids = rec.add("teams", name=names, parent=np.full(n_teams, areas[svc.area]))
        of_service[svc.key] = team_ids
        split = np.array_split(np.arange(n_workers), n_teams)
        for team, members in zip(team_ids, split):
            workers[int(team)] = _professionals(rng, rec, len(members), svc.titles)
            _professionals(rng, rec, 1, {"Team Manager": 1})
    qa = rec.add("teams", name=np.array(["Quality Assurance"], dtype=object), parent=root)
    cla_open = _open_on(sample_days, start[service == "CHILDREN_IN_CARE"], end[service == "CHILDREN_IN_CARE"])
    rec.add("teams", name=np.array(["Independent Reviewing Service"], dtype=object), parent=qa)
    _professionals(rng, rec, max(1, int(np.ceil(cla_open.mean() / 60))) if len(cla_open) else 1,
                   {"Independent Reviewing Officer": 1})
    _professionals(rng, rec, 1, {"Principal Social Worker": 1})
    return Teams(of_service, workers)


def _professionals(rng: np.random.Generator, rec: Records, n: int, titles: dict[str, float]) -> np.ndarray:
    title = choice(rng, titles, n)
    fte = choice(rng, {"1.0": 75, "0.8": 12, "0.6": 8, "0.5": 5}, n)
    social_worker = np.isin(title, tuple(SOCIAL_WORKERS))
    agency = np.where(social_worker & (rng.random(n) < 0.16), "Y", "N").astype(object)
    return rec.add("professionals", job_title=title, fte=fte, agency=agency, caseload=np.full(n, "", dtype=object))


def _involvements(ctx: Context, rng: np.random.Generator, rec: Records, teams: Teams, person: np.ndarray,
                  start: np.ndarray, end: np.ndarray, service: np.ndarray) -> None:
    """Each spell is held by one team; its worker changes now and then (turnover, leave, transfers)."""
    n = len(person)
    team = np.zeros(n, dtype="int64")
    for key, ids in teams.of_service.items():
        mine = np.flatnonzero(service == key)
        team[mine] = ids[rng.integers(0, len(ids), len(mine))]
    stop = np.minimum(end, ctx.end + 1)

    def gap(g: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        return 14 + np.floor(g.exponential(365.25 / WORKER_CHANGES_PER_YEAR, len(rows))).astype("int64")

    r, change = recurring(rng, start, stop, gap, gap)
    seg_spell = np.concatenate([np.arange(n), r])
    seg_start = np.concatenate([start, change])
    order = np.lexsort((seg_start, seg_spell))
    seg_spell, seg_start = seg_spell[order], seg_start[order]
    next_same = np.append(seg_spell[1:] == seg_spell[:-1], False)
    seg_end = np.where(next_same, np.roll(seg_start, -1), end[seg_spell])
    keep = is_na(seg_end) | (seg_end >= ctx.keep_from)
    seg_spell, seg_start, seg_end = seg_spell[keep], seg_start[keep], seg_end[keep]
    seg_team = team[seg_spell]
    worker = np.zeros(len(seg_spell), dtype="int64")
    for t in np.unique(seg_team):
        mine = np.flatnonzero(seg_team == t)
        pool = teams.workers[int(t)]
        worker[mine] = pool[rng.integers(0, len(pool), len(mine))]
    rec.add("involvements", professional=worker, person=person[seg_spell], start=seg_start, end=seg_end,
            team=seg_team)
    caseload = np.bincount(worker[(seg_start <= ctx.end) & (seg_end > ctx.end)], minlength=rec.count("professionals"))
    profs = rec.get("professionals")
    counted = np.array([str(c) if t not in ("Team Manager", "Independent Reviewing Officer", "Principal Social Worker")
                        else "" for c, t in zip(caseload, profs["job_title"])], dtype=object)
    rec.update("professionals", "caseload", np.arange(len(counted)), counted)
