"""The SSDA903 tables of one collection year, built from the SSD rows (`read.Inputs`).

Rows are dicts keyed by DfE column name, holding dates, codes and 0/1 flags; children are still
`child_key` in CHILD. The writer formats them (dd/mm/yyyy, the year's recodes) and swaps in the ids.
docs/statutory/ssda903.md (and ingest/ssda903/years/columns.yaml) say where every column comes from.

Episodes follow the DfE 903 guidance: a new episode starts at every change of legal status or of
placement within a period of care. RNE is S for the first episode of a period of care, L when only the
legal status changed, P when only the placement changed, T when both changed on the same day (the SSD
does not record whether the carer stayed the same, so U and B are never derived). An episode that
another follows in the same period of care ceases X1; the last one carries the SSD's reason for leaving.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from exports.statutory.ssda903.read import Inputs, Row

SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
ADOPTED = frozenset({"E11", "E12"})
WITH_CURRENT_FOSTER_CARER = {"A3": 1, "A5": 1, "A4": 0, "A6": 0}  # placed for adoption with / not with them
SOCIAL_WORKER_TITLE = "social worker"  # an involvement counts when the professional's job title names one
NOT_IN_TOUCH = frozenset({"NO", "REFU", "NREQ"})  # no activity or accommodation recorded is then "0"
NO_LONGER_A_CARE_LEAVER = frozenset({"DIED", "RHOM"})  # activity and accommodation are then always "0"
DIED_IN_CARE = "E2"


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def overlaps(self, start: date | None, end: date | None) -> bool:
        return start is not None and start <= self.end and (end is None or end >= self.start)

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def until_end(self, day: date | None) -> date | None:
        """A ceased date as the year reports it: blank while still open at the year end."""
        return day if day is not None and day <= self.end else None


@dataclass(frozen=True)
class Episode:
    child_key: str
    cla_id: str
    start: date
    end: date | None
    rne: str
    legal_status: str | None
    need: str | None
    placement_id: str | None
    place: str | None
    place_provider: str | None
    urn: str | None
    rec: str | None
    reason_place_change: str | None
    period_start: date  # the period of care's first day
    period_end: date | None


def split_episodes(inputs: Inputs) -> list[Episode]:
    """Every DfE episode of every period of care, in (child_key, start) order."""
    ssd_by_period: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in inputs.cla_episodes:
        if row["start_date"] is not None:
            ssd_by_period[(row["child_key"], row["cla_id"])].append(row)
    statuses = _by(inputs.legal_statuses, "child_key")
    placements = _by(inputs.placements, "cla_id")
    episodes = []
    for (child_key, cla_id), ssd in ssd_by_period.items():
        own_placements = [p for p in placements.get(cla_id, []) if p["child_key"] == child_key]
        episodes.extend(_split_period(child_key, cla_id, ssd, statuses.get(child_key, []), own_placements))
    return sorted(episodes, key=lambda e: (e.child_key, e.start, e.cla_id))


def _split_period(child_key: str, cla_id: str, ssd: list[Row], statuses: list[Row], placements: list[Row]) -> list[Episode]:
    period_start = min(r["start_date"] for r in ssd)
    ceased = [r["ceased_date"] for r in ssd]
    period_end = None if any(d is None for d in ceased) else max(ceased)

    def inside(day: date | None) -> bool:
        return day is not None and period_start < day and (period_end is None or day < period_end)

    changes = sorted({period_start} | {r["start_date"] for r in [*statuses, *placements] if inside(r["start_date"])})
    starts: list[tuple[date, Row | None, Row | None]] = []  # (day, legal status, placement) where something changed
    for day in changes:
        status, placement = _open_on(statuses, day), _open_on(placements, day)
        if starts and _code(status) == _code(starts[-1][1]) and _id(placement) == _id(starts[-1][2]):
            continue  # a record that changes neither the legal status nor the placement
        starts.append((day, status, placement))

    last_ssd = max(ssd, key=lambda r: (r["ceased_date"] is None, r["ceased_date"] or period_start, r["start_date"]))
    episodes = []
    for index, (day, status, placement) in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else None
        if index == 0:
            rne = "S"
        else:
            status_changed = _code(status) != _code(starts[index - 1][1])
            placement_changed = _id(placement) != _id(starts[index - 1][2])
            rne = "T" if status_changed and placement_changed else ("L" if status_changed else "P")
        next_changes_placement = following is not None and _id(following[2]) != _id(placement)
        episodes.append(Episode(
            child_key=child_key,
            cla_id=cla_id,
            start=day,
            end=following[0] if following else period_end,
            rne=rne,
            legal_status=_code(status),
            need=(_open_on(ssd, day, end="ceased_date") or ssd[0])["primary_need_code"],
            placement_id=_id(placement),
            place=placement["placement_type_code"] if placement else None,
            place_provider=placement["placement_provider_code"] if placement else None,
            urn=placement.get("placement_urn") if placement else None,
            rec="X1" if following else (last_ssd["ceased_reason_code"] if period_end is not None else None),
            reason_place_change=placement["change_reason_code"] if placement and next_changes_placement else None,
            period_start=period_start,
            period_end=period_end,
        ))
    return episodes


def build_tables(inputs: Inputs, window: Window, names: Iterable[str]) -> dict[str, list[Row]]:
    """The year's tables named in `names` (the year's spec), header last: it lists every child the others do."""
    every_episode = split_episodes(inputs)
    context = _Context(inputs, window, every_episode)
    wanted = list(names)
    tables = {name: BUILDERS[name](context) for name in wanted if name != "header"}
    if "header" in wanted:
        children = {row["CHILD"] for rows in tables.values() for row in rows}
        tables["header"] = _header(context, children)
    return {name: tables[name] for name in wanted}


class _Context:
    def __init__(self, inputs: Inputs, window: Window, every_episode: list[Episode]):
        self.inputs = inputs
        self.window = window
        self.every_episode = every_episode  # every period of care, for "was this child looked after on day D"
        self.episodes = [e for e in every_episode if window.overlaps(e.start, e.end)]  # the year's
        episodes = self.episodes
        self.persons = {p["child_key"]: p for p in inputs.persons}
        self.children = {e.child_key for e in episodes}
        self.short_breaks_only = self.children - {
            e.child_key for e in episodes if e.legal_status not in SHORT_BREAK_STATUSES}

    def dob(self, child_key: str) -> date | None:
        return self.persons.get(child_key, {}).get("birth_date")

    def age_at_end(self, child_key: str) -> int | None:
        return _age(self.dob(child_key), self.window.end)


def _episodes(c: _Context) -> list[Row]:
    w = c.window
    return [
        {
            "CHILD": e.child_key, "DECOM": e.start, "RNE": e.rne, "LS": e.legal_status, "CIN": e.need,
            "PLACE": e.place, "PLACE_PROVIDER": e.place_provider, "URN": e.urn, "DEC": w.until_end(e.end),
            "REC": e.rec if w.until_end(e.end) else None,
            "REASON_PLACE_CHANGE": e.reason_place_change if w.until_end(e.end) else None,
        }
        for e in c.episodes
    ]


def _reviews(c: _Context) -> list[Row]:
    child_of_period = {e.cla_id: e.child_key for e in c.episodes}
    rows = [
        {"CHILD": child_of_period[r["cla_id"]], "DOB": c.dob(child_of_period[r["cla_id"]]),
         "REVIEW": r["review_date"], "REVIEW_CODE": r["participation_code"]}
        for r in c.inputs.reviews
        if r["cla_id"] in child_of_period and child_of_period[r["cla_id"]] not in c.short_breaks_only
        and not r["is_cancelled"] and c.window.holds(r["review_date"])
    ]
    return sorted(rows, key=lambda r: (r["CHILD"], r["REVIEW"]))


def _uasc(c: _Context) -> list[Row]:
    rows = {}
    for status in sorted(c.inputs.immigration_statuses, key=lambda r: (r["start_date"] or date.min)):
        key = status["child_key"]
        if key in c.children and status["immigration_status_code"] == "UASC" \
                and c.window.overlaps(status["start_date"], status["end_date"]):
            ceased = status["end_date"] or _birthday(c.dob(key), 18)
            person = c.persons.get(key, {})
            rows[key] = {"CHILD": key, "SEX": person.get("sex_code"), "DOB": c.dob(key), "DUC": ceased}
    return [rows[k] for k in sorted(rows)]


def _oc2(c: _Context) -> list[Row]:
    """Children looked after for at least 12 months at 31 March (not on short breaks): their outcomes in the year."""
    w = c.window
    year_before = date(w.end.year - 1, w.end.month, w.end.day)
    cohort = sorted({
        e.child_key for e in c.episodes  # the episode open at the year end
        if (e.end is None or e.end > w.end) and e.period_start <= year_before
        and e.legal_status not in SHORT_BREAK_STATUSES
    })

    def in_year(rows: list[Row], day: str) -> dict[str, list[Row]]:
        return _by([r for r in rows if w.holds(r[day])], "child_key")

    sdq = in_year(c.inputs.sdq_scores, "completed_date")
    convictions = in_year(c.inputs.convictions, "conviction_date")
    checks = in_year([r for r in c.inputs.health_checks if r["health_check_status_code"] == "COMPLETED"],
                     "health_check_date")
    misuse = in_year(c.inputs.substance_misuse, "identified_date")
    immunisations = _by([r for r in c.inputs.immunisations if r["status_date"] is not None and r["status_date"] <= w.end],
                        "child_key")
    rows = []
    for key in cohort:
        age, dob = c.age_at_end(key), c.dob(key)
        latest_sdq = max(sdq.get(key, []), key=lambda r: (r["completed_date"], r["sdq_score_id"]), default=None)
        # an SDQ for children aged 4 to 16 at some time in the year (4th birthday by its end, 17th not before its start)
        sdq_age = dob is not None and _birthday(dob, 4) <= w.end and _birthday(dob, 17) >= w.start
        types = {r["health_check_type_code"] for r in checks.get(key, [])}
        latest_imms = max(immunisations.get(key, []), key=lambda r: r["status_date"], default=None)
        problems = misuse.get(key, [])
        rows.append({
            "CHILD": key, "DOB": c.dob(key),
            "SDQ_SCORE": latest_sdq["sdq_score"] if latest_sdq and sdq_age else None,
            "SDQ_REASON": latest_sdq["sdq_reason_code"] if latest_sdq and sdq_age else None,
            "CONVICTED": _flag(convictions.get(key)) if age is not None and age >= 10 else None,
            "IMMUNISATIONS": _flag(latest_imms and latest_imms["is_immunisations_up_to_date"]),
            "TEETH_CHECK": _flag("DENTAL" in types),
            "HEALTH_ASSESSMENT": _flag(types & {"IHA", "RHA"}),
            "SUBSTANCE_MISUSE": _flag(problems),
            "INTERVENTION_RECEIVED": _flag(any(p["is_intervention_received"] for p in problems)) if problems else None,
        })
    return rows


def _oc3(c: _Context) -> list[Row]:
    """Care leavers whose 17th to 21st birthday falls in the year: their status around that birthday.

    Not those looked after on that birthday or after it (leaving care that day, or starting to be looked after
    later: not care leavers at the birthday), nor those who died in care."""
    records = _by(c.inputs.care_leavers, "child_key")
    in_care: dict[str, list[Episode]] = defaultdict(list)
    for e in c.every_episode:
        in_care[e.child_key].append(e)
    rows = []
    for key in sorted(records):
        birthday = next((b for age in range(17, 22) if c.window.holds(b := _birthday(c.dob(key), age))), None)
        episodes = in_care.get(key, [])
        if birthday is None or any(e.start <= c.window.end and (e.end is None or e.end >= birthday) for e in episodes) \
                or any(e.rec == DIED_IN_CARE for e in episodes):
            continue
        known = sorted((r for r in records[key] if r["latest_contact_date"] and r["latest_contact_date"] <= c.window.end),
                       key=lambda r: (r["latest_contact_date"], r["care_leaver_record_id"]))
        if not known:  # no contact recorded by the year end
            continue
        by_then = [r for r in known if r["latest_contact_date"] <= _months_after(birthday, 1)]
        record = by_then[-1] if by_then else known[0]
        accommodation = record["accommodation_code"]
        suitable = record["is_accommodation_suitable"]
        if accommodation and suitable is not None:
            accommodation = accommodation + ("1" if suitable else "2")
        activity = record["activity_code"]
        if record["in_touch_code"] in NOT_IN_TOUCH:
            activity, accommodation = activity or "0", accommodation or "0"
        elif record["in_touch_code"] in NO_LONGER_A_CARE_LEAVER:
            activity, accommodation = "0", "0"
        rows.append({"CHILD": key, "DOB": c.dob(key), "IN_TOUCH": record["in_touch_code"],
                     "ACTIV": activity, "ACCOM": accommodation})
    return rows


def _ad1(c: _Context) -> list[Row]:
    """Children adopted in the year (their period of care ceased E11 or E12)."""
    permanence = {(p["child_key"], p["cla_id"]): p for p in sorted(c.inputs.permanence, key=lambda p: p["permanence_id"])}
    rows = []
    for e in c.episodes:
        if e.rec in ADOPTED and c.window.holds(e.end):
            decision = permanence.get((e.child_key, e.cla_id), {})
            rows.append({"CHILD": e.child_key, "DOB": c.dob(e.child_key),
                         "DATE_INT": decision.get("adoption_decision_date"), "DATE_MATCH": decision.get("matched_date"),
                         "FOSTER_CARE": WITH_CURRENT_FOSTER_CARER.get(e.place or "")})
    return rows


def _placed_for_adoption(c: _Context) -> list[Row]:
    """Decisions that a child looked after in the year should be placed for adoption, in force during the year."""
    w = c.window
    rows = [
        {"CHILD": p["child_key"], "DOB": c.dob(p["child_key"]), "DATE_PLACED": p["adoption_decision_date"],
         "DATE_PLACED_CEASED": w.until_end(p["decision_reversed_date"])}
        for p in c.inputs.permanence
        if p["child_key"] in c.children and w.overlaps(p["adoption_decision_date"], p["decision_reversed_date"])
    ]
    return sorted(rows, key=lambda r: (r["CHILD"], r["DATE_PLACED"]))


def _previous_permanence(c: _Context) -> list[Row]:
    """Children who started to be looked after in the year: their permanence before care, as the SSD holds it."""
    latest = {r["child_key"]: r for r in sorted(c.inputs.previous_permanence, key=lambda r: r["previous_permanence_id"])}
    started = sorted({e.child_key for e in c.episodes if e.rne == "S" and c.window.holds(e.start)})
    return [
        {"CHILD": key, "DOB": c.dob(key), "PREV_PERM": latest.get(key, {}).get("previous_permanence_code"),
         "LA_PERM": latest.get(key, {}).get("previous_permanence_la"),
         "DATE_PERM": latest.get(key, {}).get("previous_permanence_order_date_text")}
        for key in started
    ]


def _missing(c: _Context) -> list[Row]:
    """Missing and away-from-placement episodes in the year that started while the child was looked after."""
    periods = defaultdict(set)
    for e in c.episodes:
        periods[e.child_key].add((e.period_start, e.period_end))
    rows = [
        {"CHILD": m["child_key"], "DOB": c.dob(m["child_key"]), "MISSING": m["missing_type_code"],
         "MIS_START": m["start_date"], "MIS_END": c.window.until_end(m["end_date"])}
        for m in c.inputs.missing
        if c.window.overlaps(m["start_date"], m["end_date"])
        and any(s <= m["start_date"] and (e is None or m["start_date"] <= e) for s, e in periods.get(m["child_key"], ()))
    ]
    return sorted(rows, key=lambda r: (r["CHILD"], r["MIS_START"]))


def _sw_episodes(c: _Context) -> list[Row]:
    """Each social worker's involvement with a child looked after in the year, overlapping the year."""
    social_workers = {p["professional_id"] for p in c.inputs.professionals
                      if SOCIAL_WORKER_TITLE in (p["job_title"] or "").lower()}
    rows = [
        {"CHILD": i["child_key"], "DOB": c.dob(i["child_key"]), "SW_DECOM": i["start_date"],
         "SW_DEC": c.window.until_end(i["end_date"])}
        for i in c.inputs.involvements
        if i["child_key"] in c.children and i["professional_id"] in social_workers
        and c.window.overlaps(i["start_date"], i["end_date"])
    ]
    return sorted(rows, key=lambda r: (r["CHILD"], r["SW_DECOM"]))


def _header(c: _Context, children: set[str]) -> list[Row]:
    babies = defaultdict(list)
    for m in c.inputs.mothers:
        born = c.dob(m["baby_child_key"])
        if born is None or born <= c.window.end:
            babies[m["mother_child_key"]].append(born)
    rows = []
    for key in sorted(children):
        person = c.persons.get(key, {})
        girl = person.get("sex_code") == "F" and key in c.children and key not in c.short_breaks_only
        births = [b for b in babies.get(key, []) if b is not None]
        rows.append({
            "CHILD": key, "SEX": person.get("sex_code"), "DOB": person.get("birth_date"),
            "ETHNIC": person.get("ethnicity_code"),
            "MOTHER": (1 if key in babies else 0) if girl else None,
            "MC_DOB": max(births) if girl and births else None,
        })
    return rows


BUILDERS = {
    "episodes": _episodes,
    "reviews": _reviews,
    "uasc": _uasc,
    "oc2": _oc2,
    "oc3": _oc3,
    "ad1": _ad1,
    "placed_for_adoption": _placed_for_adoption,
    "previous_permanence": _previous_permanence,
    "missing": _missing,
    "sw_episodes": _sw_episodes,
}
TABLES = frozenset({*BUILDERS, "header"})


def _by(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _open_on(rows: list[Row], day: date, *, end: str = "end_date") -> Row | None:
    """The latest-starting row open on `day` (started on or before it, not yet ended)."""
    open_rows = [r for r in rows if r["start_date"] is not None and r["start_date"] <= day
                 and (r[end] is None or r[end] > day)]
    return max(open_rows, key=lambda r: r["start_date"], default=None)


def _code(status: Row | None) -> str | None:
    return status["legal_status_code"] if status else None


def _id(placement: Row | None) -> str | None:
    return placement["placement_id"] if placement else None


def _flag(value: object) -> int:
    return 1 if value else 0


def _birthday(dob: date | None, age: int) -> date | None:
    if dob is None:
        return None
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 February: the birthday is 1 March in other years
        return date(dob.year + age, 3, 1)


def _age(dob: date | None, day: date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
