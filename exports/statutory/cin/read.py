"""What the CIN census returns, read from the warehouse: every child in need during the collection year.

A child is in the census when one of their referrals (SSD ssd_cin_episodes) was open at any point between
1 April and the reference date (31 March): referred on or before the reference date and not closed before
1 April. Each referral carries its assessments, CIN plans, S47 enquiries and CP plans that fall in the
year, as the census sees them on the reference date: an end date after it is not yet known to the census.

The child's case-system id (LAchildID), UPN and UPN-unknown reason are the authority's own identifiers: the
census goes back to the authority to submit, so it may carry them. They are read here only — the id from
`raw._child_keys` (the pseudonymisation map), the UPN and its reason from the current case_system batch in
`raw` — and go nowhere but the census file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from foundation.warehouse import Connection, table_exists
from exports.errors import ExportRefused
from exports.statutory.cin.spec import CensusYear
from expectations.current_rows import current_rows_sql
from ingest.core.pseudonymise import CHILD_KEYS_TABLE

# SSD link_identifier_type values (trimmed, upper-cased) that hold a child's UPN or a former UPN.
UPN_TYPES = ("UPN", "UNIQUE PUPIL NUMBER")
FORMER_UPN_TYPES = ("FORMER UPN", "FORMER_UPN", "FORMER UNIQUE PUPIL NUMBER")
ICPC_TARGET_WORKING_DAYS = 15  # the ICPC is due 15 working days after the S47 starts (the warehouse's ICPC measure)

_STAGING = ("stg_case_system__persons", "stg_case_system__referrals", "stg_case_system__assessments",
            "stg_case_system__assessment_factors", "stg_case_system__cin_plans", "stg_case_system__s47_enquiries",
            "stg_case_system__initial_cp_conferences", "stg_case_system__cp_plans", "stg_case_system__cp_reviews",
            "stg_case_system__disabilities")

# $1 = first day of the year, $2 = reference date, $3 = the authority: its referrals open at any point between them.
# Every query is of the one authority (`la_code`): a hub's warehouse holds several, whose ids collide.
_IN_YEAR = ("(select referral_id from staging.stg_case_system__referrals "
            "where la_code = $3 and referral_date <= $2 and (close_date is null or close_date >= $1))")


@dataclass(frozen=True)
class Assessment:
    start_date: date
    authorised_date: date | None
    factors: tuple[str, ...]


@dataclass(frozen=True)
class CinPlan:
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class Section47:
    enquiry_id: str
    start_date: date
    icpc_target: date | None
    icpc_date: date | None
    icpc_not_required: bool


@dataclass(frozen=True)
class CpPlan:
    start_date: date
    end_date: date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int
    review_dates: tuple[date, ...]


@dataclass
class Referral:
    referral_id: str
    referral_date: date
    source: str | None
    primary_need: str | None
    close_date: date | None
    close_reason: str | None
    is_nfa: bool
    icpc_date: date | None = None  # an ICPC in the year that no returned Section47 carries
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)


@dataclass
class Child:
    la_child_id: str
    upn: str | None
    former_upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str | None  # the SSD code (M, F, U, I); the year's census code comes from CensusYear.sex_codes
    death_date: date | None
    ethnicity: str | None
    disabilities: tuple[str, ...]
    referrals: list[Referral] = field(default_factory=list)


def read_census(con: Connection, year: CensusYear, la_code: str) -> list[Child]:
    """The year's children in need, ordered by LAchildID, each referral by date; empty when there are none."""
    missing = [t for t in _STAGING if not table_exists(con, "staging", t)]
    if missing:
        raise ExportRefused(f"staging.{missing[0]} is not built: run `csw build` first")
    start, end = year.period_start, year.reference_date
    within = [start, end, la_code]

    referrals: dict[str, Referral] = {}
    child_of: dict[str, str] = {}
    for rid, child_key, ref_date, source, need, close_date, reason, is_nfa in con.execute(
        "select referral_id, child_key, referral_date, referral_source_code, primary_need_code, close_date, "
        "close_reason_code, is_nfa from staging.stg_case_system__referrals "
        "where la_code = $3 and referral_date <= $2 and (close_date is null or close_date >= $1) "
        "order by referral_date, referral_id", within
    ).fetchall():
        closed = close_date is not None and close_date <= end
        referrals[rid] = Referral(rid, ref_date, source, need, close_date if closed else None,
                                  reason if closed else None, bool(is_nfa))
        child_of[rid] = child_key
    if not referrals:
        return []

    _add_assessments(con, referrals, within)
    for rid, start_date, end_date in con.execute(
        "select referral_id, start_date, end_date from staging.stg_case_system__cin_plans "
        f"where la_code = $3 and referral_id in {_IN_YEAR} and start_date <= $2 "
        "and (end_date is null or end_date >= $1) order by start_date, cin_plan_id", within
    ).fetchall():
        referrals[rid].cin_plans.append(CinPlan(start_date, _known(end_date, end)))
    _add_section47s(con, referrals, year, la_code)
    _add_cp_plans(con, referrals, within)

    children = _read_children(con, sorted(set(child_of.values())), la_code, end)
    for rid, referral in referrals.items():
        children[child_of[rid]].referrals.append(referral)
    return sorted(children.values(), key=lambda c: c.la_child_id)


def _known(day: date | None, reference_date: date) -> date | None:
    """A date the census can know on its reference date (a later one is not yet known)."""
    return day if day is not None and day <= reference_date else None


def _add_assessments(con: Connection, referrals: dict[str, Referral], within: list[date]) -> None:
    factors: dict[str, list[str]] = defaultdict(list)
    rows = con.execute(
        "select a.referral_id, a.assessment_id, a.start_date, a.authorised_date, f.factor_codes_json "
        "from staging.stg_case_system__assessments as a "
        "left join staging.stg_case_system__assessment_factors as f "
        "on f.assessment_id = a.assessment_id and f.la_code = a.la_code "
        f"where a.la_code = $3 and a.referral_id in {_IN_YEAR} and a.start_date <= $2 "
        "and (a.authorised_date is null or a.authorised_date >= $1) "
        "order by a.start_date, a.assessment_id, f.assessment_factor_id", within
    ).fetchall()
    for _, assessment_id, _, _, codes in rows:
        for code in _factor_codes(codes, assessment_id):
            if code not in factors[assessment_id]:
                factors[assessment_id].append(code)
    seen: set[str] = set()
    for rid, assessment_id, start_date, authorised, _ in rows:
        if assessment_id in seen:
            continue
        seen.add(assessment_id)
        authorised = _known(authorised, within[1])
        # factors are identified when the assessment is completed (authorised)
        found = tuple(factors[assessment_id]) if authorised is not None else ()
        referrals[rid].assessments.append(Assessment(start_date, authorised, found))


def _factor_codes(text: str | None, assessment_id: str) -> list[str]:
    if text is None or not str(text).strip():
        return []
    try:
        codes = json.loads(text)
    except ValueError:
        raise ExportRefused(f"assessment {assessment_id}: assessment factors are not a JSON list: {text!r}") from None
    if not isinstance(codes, list):
        raise ExportRefused(f"assessment {assessment_id}: assessment factors are not a JSON list: {text!r}")
    return [str(c).strip().upper() for c in codes if c is not None and str(c).strip()]


def _add_section47s(con: Connection, referrals: dict[str, Referral], year: CensusYear, la_code: str) -> None:
    """S47 enquiries that started in the year, or earlier with their ICPC in the year; then the ICPCs of the
    year that no returned enquiry carries go on the referral (CINdetails DateOfInitialCPC), the earliest."""
    start, end = year.period_start, year.reference_date
    returned: set[str] = set()
    for rid, enquiry_id, started, ended, icpc_date, target in con.execute(
        "select s.referral_id, s.s47_enquiry_id, s.start_date, s.end_date, "
        "(select min(i.icpc_date) from staging.stg_case_system__initial_cp_conferences as i "
        " where i.s47_enquiry_id = s.s47_enquiry_id and i.la_code = s.la_code and i.icpc_date <= $2) as icpc_date, "
        "(select min(due.calendar_date) from intermediate.int_calendar as started "
        " join intermediate.int_calendar as due "
        f" on due.working_day_number = started.working_day_number + {ICPC_TARGET_WORKING_DAYS} "
        " and due.is_working_day where started.calendar_date = s.start_date) as icpc_target "
        "from staging.stg_case_system__s47_enquiries as s "
        f"where s.la_code = $3 and s.referral_id in {_IN_YEAR} and s.start_date <= $2 "
        "order by s.start_date, s.s47_enquiry_id", [start, end, la_code]
    ).fetchall():
        if started < start and (icpc_date is None or icpc_date < start):
            continue
        # concluded by the reference date with no conference: NFA, or carried on under a CIN plan
        concluded_without_icpc = icpc_date is None and ended is not None and ended <= end
        referrals[rid].section47s.append(Section47(enquiry_id, started, target, icpc_date, concluded_without_icpc))
        returned.add(enquiry_id)
    for rid, icpc_date, enquiry_id in con.execute(
        "select referral_id, icpc_date, s47_enquiry_id from staging.stg_case_system__initial_cp_conferences "
        f"where la_code = $3 and referral_id in {_IN_YEAR} and icpc_date between $1 and $2 "
        "order by icpc_date, icpc_id", [start, end, la_code]
    ).fetchall():
        if enquiry_id not in returned and referrals[rid].icpc_date is None:
            referrals[rid].icpc_date = icpc_date


def _add_cp_plans(con: Connection, referrals: dict[str, Referral], within: list[date]) -> None:
    reviews: dict[str, list[date]] = defaultdict(list)
    for plan_id, review_date in con.execute(
        "select cp_plan_id, review_date from staging.stg_case_system__cp_reviews "
        "where la_code = $3 and review_date between $1 and $2 order by review_date, cp_review_id", within
    ).fetchall():
        reviews[plan_id].append(review_date)
    for rid, plan_id, started, ended, initial, latest, previous in con.execute(
        "select p.referral_id, p.cp_plan_id, p.start_date, p.end_date, p.initial_category_code, "
        "p.latest_category_code, (select count(*) from staging.stg_case_system__cp_plans as earlier "
        " where earlier.child_key = p.child_key and earlier.la_code = p.la_code "
        " and earlier.start_date < p.start_date) as previous_plans "
        "from staging.stg_case_system__cp_plans as p "
        f"where p.la_code = $3 and p.referral_id in {_IN_YEAR} and p.start_date <= $2 "
        "and (p.end_date is null or p.end_date >= $1) "
        "order by p.start_date, p.cp_plan_id", within
    ).fetchall():
        referrals[rid].cp_plans.append(CpPlan(started, _known(ended, within[1]), initial, latest, int(previous),
                                              tuple(d for d in reviews[plan_id] if d >= started)))


def _read_children(con: Connection, child_keys: list[str], la_code: str, reference_date: date) -> dict[str, Child]:
    """The children of `child_keys` with their identifiers and characteristics, keyed by child_key."""
    wanted = set(child_keys)
    ids = {key: person_id for key, person_id in con.execute(
        f"select child_key, person_id from {CHILD_KEYS_TABLE} where la_code = $1", [la_code]
    ).fetchall() if key in wanted}
    lost = [key for key in child_keys if key not in ids]
    if lost:
        raise ExportRefused(f"{len(lost)} child(ren) in need have no case-system id in {CHILD_KEYS_TABLE} for LA "
                            f"{la_code} (is CSW_LA_CODE the LA the warehouse was loaded for?)")
    persons = {row[0]: row[1:] for row in con.execute(
        "select child_key, birth_date, expected_birth_date, sex_code, death_date, ethnicity_code "
        "from staging.stg_case_system__persons where la_code = $1", [la_code]
    ).fetchall() if row[0] in wanted}
    disabilities: dict[str, list[str]] = defaultdict(list)
    for key, code in con.execute(
        "select distinct child_key, disability_code from staging.stg_case_system__disabilities "
        "where la_code = $1 and disability_code is not null order by disability_code", [la_code]
    ).fetchall():
        if key in wanted:
            disabilities[key].append(code)
    upn_unknown = dict(con.execute(
        f"select pers_person_id, nullif(upper(trim(pers_upn_unknown)), '') "
        f"from {current_rows_sql('case_system__ssd_person', alias='persons')} where persons._la_code = $1", [la_code]
    ).fetchall())
    upns = _identifiers(con, UPN_TYPES, la_code, valid_on=reference_date)
    former = _identifiers(con, FORMER_UPN_TYPES, la_code, valid_on=None)

    children: dict[str, Child] = {}
    for key in child_keys:
        person_id = ids[key]
        birth, expected, sex, death, ethnicity = persons.get(key, (None,) * 5)
        children[key] = Child(
            la_child_id=person_id, upn=upns.get(person_id), former_upn=former.get(person_id),
            upn_unknown=upn_unknown.get(person_id), birth_date=birth, expected_birth_date=expected, sex=sex,
            death_date=_known(death, reference_date), ethnicity=ethnicity, disabilities=tuple(disabilities[key]),
        )
    return children


def _identifiers(con: Connection, types: tuple[str, ...], la_code: str, *, valid_on: date | None) -> dict[str, str]:
    """person_id -> the identifier of one of `types` (valid on `valid_on` when given), the latest to start: of
    authority `la_code`'s rows (a case-system person id repeats across a hub's authorities)."""
    placeholders = ", ".join(f"${n}" for n in range(3, len(types) + 3))
    rows = con.execute(
        "select link_person_id, trim(link_identifier_value) "
        f"from {current_rows_sql('case_system__ssd_linked_identifiers', alias='links')} "
        f"where links._la_code = $2 and upper(trim(link_identifier_type)) in ({placeholders}) "
        "and nullif(trim(link_identifier_value), '') is not null "
        "and (cast($1 as date) is null or ((link_valid_from_date is null or link_valid_from_date <= cast($1 as date)) "
        "and (link_valid_to_date is null or link_valid_to_date >= cast($1 as date)))) "
        "order by link_person_id, link_valid_from_date nulls first, link_table_id",
        [valid_on, la_code, *types],
    ).fetchall()
    return {person_id: value for person_id, value in rows}  # the last row of a person (latest start) wins
