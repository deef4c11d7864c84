"""SSDA903 detail of each period of care: placements, legal statuses, and the episodes they imply.

A new episode starts whenever the legal status or the placement changes (reason L, P, T, or U/B when
the carer stays the same); every episode but the last ceases X1 on the day the next one starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.context import Context
from synthetic.days import NA, birthday, is_na
from synthetic.records import Records
from synthetic.reference import FAR_DISTRICTS, home_districts

class Weights:
    """Codes with relative weights, ready for one draw at a time inside loops."""

    def __init__(self, weights: dict[str, float]):
        self.codes = list(weights)
        p = np.fromiter(weights.values(), dtype=float)
        self.cdf = np.cumsum(p / p.sum())

    def pick(self, rng: np.random.Generator) -> str:
        return self.codes[min(int(np.searchsorted(self.cdf, rng.random(), side="right")), len(self.codes) - 1)]


PLACEMENT_UNDER_16 = Weights({
    "U6": 38, "U4": 24, "U5": 3, "U1": 4, "U2": 1, "U3": 9, "K2": 8, "R1": 2, "P1": 5, "S1": 0.5, "Z1": 0.5,
    "K1": 0.3,
})
PLACEMENT_16_17 = Weights({"H5": 30, "U6": 22, "U4": 18, "U3": 5, "K2": 12, "R1": 2, "P2": 6, "Z1": 1, "P1": 2})
PLACEMENT_UASC_UNDER_16 = Weights({"U6": 60, "U4": 15, "K2": 25})
PLACEMENT_UASC_16_17 = Weights({"H5": 60, "U6": 25, "K2": 10, "P2": 5})
PLACEMENT_SHORT_BREAK = Weights({"K2": 50, "U4": 30, "U6": 20})
PROVIDER = {
    "U": Weights({"PR1": 65, "PR4": 30, "PR2": 3, "PR5": 2}),
    "K": Weights({"PR4": 75, "PR1": 20, "PR5": 5}),
    "R": Weights({"PR4": 60, "PR3": 20, "PR5": 20}),
    "S": Weights({"PR4": 80, "PR3": 20}),
    "H": Weights({"PR4": 60, "PR5": 30, "PR1": 10}),
    "P": Weights({"PR0": 100}),
    "Z": Weights({"PR0": 100}),
}
MEAN_MILES = {"PR0": 2.0, "PR1": 4.5, "PR2": 16.0, "PR3": 12.0, "PR4": 12.0, "PR5": 8.0}
CHANGE_REASON = Weights({
    "CARPL": 45, "CREQB": 12, "CREQO": 8, "CHILD": 7, "LAREQ": 10, "CLOSE": 4, "STAND": 2, "ALLEG": 2, "OTHER": 10,
})
# Yearly chance of a placement move, by age (the rest of the 3+ placements share comes from early moves).
_MOVE_RATE = ((5, 0.22), (10, 0.28), (14, 0.45), (99, 0.7))


@dataclass
class Placement:
    start: int
    type: str
    provider: str
    distance: float | None
    postcode: str
    urn: str
    same_carer: bool = False


class Homes:
    """Where placements are: postcode sectors near home or far away, and a pool of children's homes."""

    def __init__(self, rng: np.random.Generator, la_code: str, scale: float):
        self.home = home_districts(la_code)
        self.urns = [f"SC{n:06d}" for n in rng.choice(1_000_000, size=max(5, round(40 * scale)), replace=False)]

    def placement(self, rng: np.random.Generator, type_: str, start: int) -> Placement:
        provider = PROVIDER[type_[0]].pick(rng)
        mean = 28.0 if type_[0] in "KRS" else MEAN_MILES[provider]
        miles = round(float(rng.exponential(mean)), 1)
        distance = None if rng.random() < 0.05 else miles
        district = self.home[int(rng.integers(len(self.home)))] if miles <= 12 else \
            FAR_DISTRICTS[int(rng.integers(len(FAR_DISTRICTS)))]
        urn = self.urns[int(rng.integers(len(self.urns)))] if type_[0] in "KRS" else ""
        return Placement(start, type_, provider, distance, f"{district} {int(rng.integers(1, 10))}", urn)


def _age_years(day: int, dob: int) -> float:
    return (day - dob) / 365.25


def _placement_type(rng: np.random.Generator, route: str, age: float) -> str:
    if route == "SHORT_BREAK":
        return PLACEMENT_SHORT_BREAK.pick(rng)
    if route == "UASC":
        return (PLACEMENT_UASC_16_17 if age >= 16 else PLACEMENT_UASC_UNDER_16).pick(rng)
    return (PLACEMENT_16_17 if age >= 16 else PLACEMENT_UNDER_16).pick(rng)


def _move_days(ctx_rng: np.random.Generator, entry: int, stop: int, dob: int, route: str) -> list[int]:
    """Days a child moves placement during the period (not counting the first placement)."""
    if route == "SHORT_BREAK":
        return []
    moves = []
    t = entry
    if route != "UASC" and ctx_rng.random() < 0.3:  # a bridging placement first
        t = entry + int(ctx_rng.integers(2, 46))
        if t < stop:
            moves.append(t)
    unsettled = float(np.exp(0.55 * ctx_rng.standard_normal()))
    while t < stop:
        age = _age_years(t, dob)
        rate = next(r for limit, r in _MOVE_RATE if age < limit) * unsettled
        t += 1 + int(ctx_rng.exponential(365.25 / rate))
        if t < stop:
            moves.append(t)
    return moves


def _placements(rng: np.random.Generator, homes: Homes, p: dict, stop: int, dob: int) -> list[Placement]:
    entry, route = int(p["entry"]), str(p["route"])
    moves = _move_days(rng, entry, stop, dob, route)
    # Moves often come with a change of legal status: out of an emergency placement when police
    # protection ends, or into a long-term placement at the final hearing (T, or B with the same carer).
    with_legal = [int(p["emergency_end"])] if rng.random() < 0.6 else []
    with_legal += [int(p["hearing"])] if rng.random() < 0.3 else []
    moves = sorted(set(moves) | {d for d in with_legal if entry < d < stop})
    forced: dict[int, str] = {}
    placed = int(p["placed"])
    if not is_na(placed) and placed < stop:
        moves = [m for m in moves if m < placed] + [placed]
        forced[placed] = "U5"
    if route not in ("SHORT_BREAK", "UASC") and rng.random() < 0.45:
        move_on = int(birthday(np.array([dob]), 16)[0]) + int(rng.integers(0, 240))
        if entry < move_on < stop and move_on not in moves:
            moves = sorted([m for m in moves if m != move_on] + [move_on])
            forced[move_on] = "H5"
    out: list[Placement] = []
    for day in [entry, *moves]:
        previous = out[-1] if out else None
        if day in forced:
            out.append(homes.placement(rng, forced[day], day))
        elif previous is not None and previous.type == "U6" and rng.random() < 0.12:
            out.append(Placement(day, "U4", previous.provider, previous.distance, previous.postcode, "", True))
        else:
            out.append(homes.placement(rng, _placement_type(rng, route, _age_years(day, dob)), day))
    return out


def _legal(p: dict, stop: int) -> list[tuple[int, str]]:
    entry, route = int(p["entry"]), str(p["route"])
    first = {"EMERGENCY": str(p["emergency_status"]), "S20": "V2", "COURT": "C1", "UASC": "V2",
             "SHORT_BREAK": str(p["short_break_status"])}[route]
    steps = [(entry, first)]
    c1, hearing = int(p["c1_start"]), int(p["hearing"])
    if route == "EMERGENCY":
        steps.append((int(p["emergency_end"]), "C1" if c1 == int(p["emergency_end"]) else "V2"))
    elif route == "S20" and not is_na(c1):
        steps.append((c1, "C1"))
    if not is_na(hearing):
        steps.append((hearing, "E1" if int(p["po"]) == hearing else "C2"))
    if not is_na(int(p["reversed_on"])):
        steps.append((int(p["reversed_on"]), "C2"))
    out: list[tuple[int, str]] = []
    for day, code in sorted(steps, key=lambda s: s[0]):
        if day >= stop or (out and code == out[-1][1]):
            continue
        if out and day <= out[-1][0]:
            out[-1] = (out[-1][0], code)
            continue
        out.append((day, code))
    return out


def expand(ctx: Context, rec: Records, periods: np.ndarray, dob_all: np.ndarray) -> None:
    """Placements, legal statuses and episodes for the given periods of care."""
    if not len(periods):
        return
    rng = ctx.rng("episodes")
    homes = Homes(rng, ctx.request.la_code, ctx.scale)
    data = rec.get("periods")
    columns = ("entry", "end", "route", "reason", "emergency_end", "c1_start", "hearing", "po", "placed",
               "reversed_on", "emergency_status", "short_break_status", "person", "need")
    pl: dict[str, list] = {k: [] for k in ("period", "person", "start", "end", "type", "provider", "distance",
                                           "postcode", "urn", "change_reason")}
    lg: dict[str, list] = {k: [] for k in ("period", "person", "code", "start", "end")}
    ep: dict[str, list] = {k: [] for k in ("period", "person", "start", "start_reason", "need", "end", "end_reason",
                                           "entered")}
    final_reasons = data["reason"].copy()
    for i in periods:
        p = {c: data[c][i] for c in columns}
        end = int(p["end"])
        open_ = end > ctx.end
        stop = ctx.end + 1 if open_ else end
        dob = int(dob_all[p["person"]])
        places = _placements(rng, homes, p, stop, dob)
        legal = _legal(p, stop)
        reason = str(p["reason"])
        if reason == "E17" and not places[-1].type.startswith("U"):
            reason = "E5" if places[-1].type == "H5" else "E8"
            final_reasons[i] = reason
        end_out = NA if open_ else end
        _add_placements(rng, pl, i, p["person"], places, end_out)
        _add_legal(lg, i, p["person"], legal, end_out)
        _add_episodes(ep, i, p, places, legal, end_out, "" if open_ else reason)
    rec.update("periods", "reason", np.arange(len(final_reasons)), final_reasons)
    rec.add("placements", **{k: np.array(v, dtype=object if k in _TEXT else "int64") for k, v in pl.items()})
    rec.add("legal", **{k: np.array(v, dtype=object if k in _TEXT else "int64") for k, v in lg.items()})
    rec.add("episodes", **{k: np.array(v, dtype=object if k in _TEXT else "int64") for k, v in ep.items()})


_TEXT = {"type", "provider", "distance", "postcode", "urn", "change_reason", "code", "start_reason", "need",
         "end_reason"}


def _add_placements(rng: np.random.Generator, out: dict[str, list], period: int, person: int,
                    places: list[Placement], end: int) -> None:
    for k, place in enumerate(places):
        last = k == len(places) - 1
        out["period"].append(period)
        out["person"].append(person)
        out["start"].append(place.start)
        out["end"].append(end if last else places[k + 1].start)
        out["type"].append(place.type)
        out["provider"].append(place.provider)
        out["distance"].append("" if place.distance is None else f"{place.distance:.1f}")
        out["postcode"].append(place.postcode)
        out["urn"].append(place.urn)
        reason = "" if last else ("PLACE" if places[k + 1].same_carer else CHANGE_REASON.pick(rng))
        out["change_reason"].append(reason)


def _add_legal(out: dict[str, list], period: int, person: int, legal: list[tuple[int, str]], end: int) -> None:
    for k, (start, code) in enumerate(legal):
        out["period"].append(period)
        out["person"].append(person)
        out["code"].append(code)
        out["start"].append(start)
        out["end"].append(end if k == len(legal) - 1 else legal[k + 1][0])


def _add_episodes(out: dict[str, list], period: int, p: dict, places: list[Placement],
                  legal: list[tuple[int, str]], end: int, final_reason: str) -> None:
    moves = {pl.start: pl.same_carer for pl in places[1:]}
    changes = {day for day, _ in legal[1:]}
    starts = sorted({int(p["entry"]), *moves, *changes})
    for k, start in enumerate(starts):
        if k == 0:
            reason = "S"
        elif start in moves and start in changes:
            reason = "B" if moves[start] else "T"
        elif start in moves:
            reason = "U" if moves[start] else "P"
        else:
            reason = "L"
        last = k == len(starts) - 1
        out["period"].append(period)
        out["person"].append(p["person"])
        out["start"].append(start)
        out["start_reason"].append(reason)
        out["need"].append(p["need"])
        out["end"].append(end if last else starts[k + 1])
        out["end_reason"].append(final_reason if last else "X1")
        out["entered"].append(int(p["entry"]))
