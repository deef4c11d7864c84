"""A CIN census XML file → one frame per raw table, read safely and streamed.

Safety: lxml's parser with entity expansion off (`resolve_entities=False`), no network (`no_network=True`), no
DTD loaded and the default limits kept (`huge_tree=False`), and any DOCTYPE refused outright (a census never
carries one: a billion-laughs or an external-entity file is refused at its DOCTYPE, before an entity is
read). The loader has already refused a file over CSW_MAX_FILE_BYTES. The file is streamed (`iterparse`): each
<Child> is turned into rows as soon as it ends and then dropped from the tree, so a census is never held
whole as XML beside its rows. The bytes parsed are the bytes hashed (`sha256`), as for CSV files.

What a file must be: a <Message> whose <Header><CollectionDetails> names a collection year we have a
specification for (`ingest/cin_census/years/<year>.yaml`: <Year> and <ReferenceDate> both match it), then
<Children>. Every element sits where that year's order puts it; dates are ISO (yyyy-mm-dd); a coded element
holds one of the year's codes; a flag is the year's true/false word (or xs:boolean's 1/0). Anything else is
refused with one line naming the child (its position and LAchildID), the element and the value; nothing of
the file is loaded.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
from lxml import etree

from ingest.cin_census.spec import CensusYear, UnknownCensusYear, year_of_header
from ingest.core.read import ContractError, _HashingReader, check_authority, open_landed

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_READ_BYTES = 1024**2

# raw table -> its columns, in order (the contract in schema.py declares the same names and types).
COLUMNS: dict[str, tuple[str, ...]] = {
    "children": ("collection_year", "person_id", "upn", "former_upn", "upn_unknown", "birth_date",
                 "expected_birth_date", "sex", "sex_code", "death_date", "ethnicity"),
    "disabilities": ("collection_year", "person_id", "disability_index", "disability_code"),
    "referrals": ("collection_year", "person_id", "referral_index", "referral_date", "referral_source",
                  "primary_need_code", "closure_date", "reason_for_closure", "date_of_initial_cpc", "referral_nfa"),
    "assessments": ("collection_year", "person_id", "referral_index", "assessment_index", "start_date",
                    "internal_review_date", "authorisation_date"),
    "assessment_factors": ("collection_year", "person_id", "referral_index", "assessment_index", "factor_index",
                           "factor_code"),
    "cin_plans": ("collection_year", "person_id", "referral_index", "cin_plan_index", "start_date", "end_date"),
    "section47": ("collection_year", "person_id", "referral_index", "s47_index", "start_date", "icpc_target_date",
                  "icpc_date", "icpc_not_required"),
    "cp_plans": ("collection_year", "person_id", "referral_index", "cp_plan_index", "start_date", "end_date",
                 "initial_category", "latest_category", "previous_cp_plans"),
    "cp_reviews": ("collection_year", "person_id", "referral_index", "cp_plan_index", "review_index", "review_date"),
}
_INT_COLUMNS = {"referral_index", "assessment_index", "factor_index", "cin_plan_index", "s47_index", "cp_plan_index",
                "review_index", "disability_index", "previous_cp_plans"}
_XS_BOOLEAN = {"1": True, "0": False}


class _Refused(Exception):
    """A value or element the year does not accept, said relative to the child being read."""


class _Census:
    """The rows of one census file as it is read."""

    def __init__(self, file_name: str, authority: str | None = None) -> None:
        self.file_name = file_name
        self.authority = authority  # the authority folder the file arrived in: its <LEA> must be this one
        self.year: CensusYear | None = None
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.children: dict[str, int] = {}  # LAchildID -> its position, for a repeated child

    def fail(self, reason: str) -> ContractError:
        return ContractError(self.file_name, reason)

    # -- the header -----------------------------------------------------------------------------------------
    def header(self, element: etree._Element) -> None:
        details = element.find("CollectionDetails")
        header_year = _text(details.find("Year")) if details is not None else None
        if header_year is None:
            raise self.fail("Header: no <CollectionDetails><Year> (the census names its collection year there)")
        try:
            year = year_of_header(header_year)
        except UnknownCensusYear as exc:
            raise self.fail(f"Header: {exc}") from None
        reference = _text(details.find("ReferenceDate"))
        if reference != year.reference_date.isoformat():
            raise self.fail(f"Header: <ReferenceDate> {reference!r} is not {year.year}'s {year.reference_date}")
        collection = _text(details.find("Collection"))
        if collection != year.collection:
            raise self.fail(f"Header: <Collection> {collection!r} is not {year.collection!r}")
        try:
            _check_shape(year, element)
        except _Refused as exc:
            raise self.fail(f"Header: {exc}") from None
        source = element.find("Source")
        check_authority(self.file_name, _text(source.find("LEA")) if source is not None else None, self.authority,
                        "its <Header><Source><LEA>")
        self.year = year

    # -- one child --------------------------------------------------------------------------------------------
    def child(self, element: etree._Element, position: int) -> None:
        if self.year is None:
            raise self.fail(f"Child {position}: comes before the <Header> that names the collection year")
        year = self.year
        ids = element.find("ChildIdentifiers")
        person_id = _text(ids.find("LAchildID")) if ids is not None else None
        where = f"Child {position}" + (f" (LAchildID {person_id!r})" if person_id else "")
        try:
            _check_shape(year, element)
            if person_id is None:
                raise _Refused("<ChildIdentifiers><LAchildID> is missing or blank (the child's id)")
            if person_id in self.children:
                raise _Refused(f"LAchildID appears twice (Child {self.children[person_id]} and Child {position})")
            self.children[person_id] = position
            self._child_rows(year, element, ids, person_id)
        except _Refused as exc:
            raise self.fail(f"{where}: {exc}") from None

    def _child_rows(self, year: CensusYear, element: etree._Element, ids: etree._Element, person_id: str) -> None:
        y, add, child, ids = year.year, self.rows, _fields(element), _fields(ids)
        sex = _code(year, ids, year.sex_element)
        ssd_sex = next((ssd for ssd, census in year.sex_codes.items() if census == sex), None)
        chars = _fields(next(iter(child.get("ChildCharacteristics", ())), None))
        add["children"].append((
            y, person_id, _value(ids, "UPN"), _value(ids, "FormerUPN"), _code(year, ids, "UPNunknown"),
            _date(ids, "PersonBirthDate"), _date(ids, "ExpectedPersonBirthDate"), sex, ssd_sex,
            _date(ids, "PersonDeathDate"), _code(year, chars, "Ethnicity")))
        for n, code in enumerate(_list(year, chars, "Disabilities"), start=1):
            add["disabilities"].append((y, person_id, n, code))
        for r, details in enumerate(map(_fields, child.get("CINdetails", ())), start=1):
            at = f"CINdetails {r}"
            with _within(at):
                add["referrals"].append((
                    y, person_id, r, _date(details, "CINreferralDate", required=True),
                    _code(year, details, "ReferralSource"), _code(year, details, "PrimaryNeedCode"),
                    _date(details, "CINclosureDate"), _code(year, details, "ReasonForClosure"),
                    _date(details, "DateOfInitialCPC"), _flag(year, details, "ReferralNFA")))
            for a, assessment in enumerate(map(_fields, details.get("Assessments", ())), start=1):
                with _within(f"{at}, Assessments {a}"):
                    add["assessments"].append((
                        y, person_id, r, a, _date(assessment, "AssessmentActualStartDate", required=True),
                        _date(assessment, "AssessmentInternalReviewDate"),
                        _date(assessment, "AssessmentAuthorisationDate")))
                    for f, code in enumerate(_list(year, assessment, "FactorsIdentifiedAtAssessment"), start=1):
                        add["assessment_factors"].append((y, person_id, r, a, f, code))
            for p, plan in enumerate(map(_fields, details.get("CINPlanDates", ())), start=1):
                with _within(f"{at}, CINPlanDates {p}"):
                    add["cin_plans"].append((y, person_id, r, p, _date(plan, "CINPlanStartDate", required=True),
                                             _date(plan, "CINPlanEndDate")))
            for s, enquiry in enumerate(map(_fields, details.get("Section47", ())), start=1):
                with _within(f"{at}, Section47 {s}"):
                    add["section47"].append((
                        y, person_id, r, s, _date(enquiry, "S47ActualStartDate", required=True),
                        _date(enquiry, "InitialCPCtarget"), _date(enquiry, "DateOfInitialCPC"),
                        _flag(year, enquiry, "ICPCnotRequired")))
            for c, plan in enumerate(map(_fields, details.get("ChildProtectionPlans", ())), start=1):
                with _within(f"{at}, ChildProtectionPlans {c}"):
                    add["cp_plans"].append((
                        y, person_id, r, c, _date(plan, "CPPstartDate", required=True), _date(plan, "CPPendDate"),
                        _code(year, plan, "InitialCategoryOfAbuse"), _code(year, plan, "LatestCategoryOfAbuse"),
                        _count(plan, "NumberOfPreviousCPP")))
                    for v, review in enumerate(_list(year, plan, "Reviews"), start=1):
                        add["cp_reviews"].append((y, person_id, r, c, v, review))

    def frames(self) -> dict[str, pd.DataFrame]:
        out = {}
        for table, columns in COLUMNS.items():
            frame = pd.DataFrame.from_records(self.rows.pop(table), columns=list(columns))
            for column in _INT_COLUMNS.intersection(columns):
                frame[column] = frame[column].astype("Int64")
            frame["_row_number"] = range(1, len(frame) + 1)
            out[table] = frame
        return out


class _within:
    """Prefix a refusal raised inside with the module it was found in (`CINdetails 2, Assessments 1`)."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, _Refused) and not getattr(exc, "placed", False):
            placed = _Refused(f"{self.where}, {exc}")
            placed.placed = True  # type: ignore[attr-defined]
            raise placed from None
        return False


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _fields(element: etree._Element | None) -> dict[str, list[etree._Element]]:
    """A group's sub-elements by tag, gathered in one pass (lxml's `find` parses its path on every call)."""
    out: dict[str, list[etree._Element]] = {}
    for sub in () if element is None else element:
        out.setdefault(sub.tag, []).append(sub)
    return out


Fields = dict[str, list[etree._Element]]


def _value(fields: Fields, name: str) -> str | None:
    found = fields.get(name, ())
    if len(found) > 1:
        raise _Refused(f"<{name}> appears {len(found)} times (once at most)")
    return _text(found[0]) if found else None


def _date(fields: Fields, name: str, *, required: bool = False) -> date | None:
    return _as_date(name, _value(fields, name), required=required)


def _as_date(name: str, text: str | None, *, required: bool = False) -> date | None:
    if text is None:
        if required:
            raise _Refused(f"<{name}> is missing or blank")
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _Refused(f"<{name}>: {text!r} is not an ISO date (yyyy-mm-dd)") from None


def _as_code(year: CensusYear, name: str, text: str | None) -> str | None:
    accepted = year.codes.get(name)
    if text is not None and accepted is not None and text not in accepted:
        shown = ", ".join(accepted[:12]) + (", …" if len(accepted) > 12 else "")
        raise _Refused(f"<{name}>: unknown code {text!r} ({year.year} accepts {shown})")
    return text


def _code(year: CensusYear, fields: Fields, name: str) -> str | None:
    return _as_code(year, name, _value(fields, name))


def _flag(year: CensusYear, fields: Fields, name: str) -> str | None:
    """The year's true/false word (xs:boolean's 1 and 0 read as them), or None when absent."""
    text = _value(fields, name)
    if text is None:
        return None
    if text in (year.true, year.false):
        return text
    if text in _XS_BOOLEAN:
        return year.flag(_XS_BOOLEAN[text])
    raise _Refused(f"<{name}>: {text!r} is not a boolean ({year.true} or {year.false})")


def _count(fields: Fields, name: str) -> int | None:
    text = _value(fields, name)
    if text is None:
        return None
    if not text.isascii() or not text.isdigit():
        raise _Refused(f"<{name}>: {text!r} is not a whole number")
    return int(text)


def _list(year: CensusYear, fields: Fields, wrapper: str) -> list:
    """The values of a list wrapper (<Disabilities><Disability>…): a coded item checked, any other (review dates)
    parsed as a date."""
    item = year.lists[wrapper]
    out: list = []
    for holder in fields.get(wrapper, ()):
        for element in holder:  # _check_shape let only `item` elements into the wrapper
            text = _text(element)
            if text is None:
                raise _Refused(f"<{wrapper}><{item}> is blank")
            out.append(_as_code(year, item, text) if item in year.codes else _as_date(item, text))
    return out


def _check_shape(year: CensusYear, element: etree._Element) -> None:
    """Every element under `element` is one the year places there (in a list wrapper: its one item element)."""
    for sub in element:
        allowed = (year.lists[element.tag],) if element.tag in year.lists else year.order.get(element.tag, ())
        if sub.tag not in allowed:
            raise _Refused(f"unexpected element <{sub.tag}> in <{element.tag}> ({year.year})")
        if len(sub):
            _check_shape(year, sub)


def read_census(path: Path, shown_name: str, *, sha256: str | None = None,
                authority: str | None = None) -> tuple[CensusYear, dict[str, pd.DataFrame]]:
    """The census's collection year and its rows by raw table (`COLUMNS`), or ContractError with one line (a
    `<LEA>` that is not `authority`'s, the folder the file arrived in, among the reasons)."""
    census = _Census(shown_name, authority)
    with open_landed(path, shown_name) as raw:
        hashing = _HashingReader(raw)
        source = io.BufferedReader(hashing, _READ_BYTES)
        events = etree.iterparse(source, events=("start", "end"), resolve_entities=False, no_network=True,
                                 huge_tree=False, load_dtd=False, dtd_validation=False, remove_comments=True,
                                 remove_pis=True)
        depth, position, root = 0, 0, None
        try:
            for event, element in events:
                if event == "start":
                    depth += 1
                    if root is None:
                        root = element
                        _check_root(census, element)
                    elif depth == 2 and element.tag not in ("Header", "Children"):
                        raise census.fail(f"unexpected element <{element.tag}> in <Message> (Header, Children)")
                    elif depth == 3 and element.getparent().tag == "Children" and element.tag != "Child":
                        raise census.fail(f"unexpected element <{element.tag}> in <Children> (Child)")
                    continue
                depth -= 1
                if depth == 1 and element.tag == "Header":
                    census.header(element)
                elif depth == 2 and element.tag == "Child":
                    position += 1
                    census.child(element, position)
                    element.clear()  # the child's rows are taken: drop it and the children before it
                    parent = element.getparent()
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            raise census.fail(f"not well-formed XML ({_one_line(exc)}); the file may be truncated") from None
        finally:
            del events
    if sha256 is not None and hashing.sha256.hexdigest() != sha256:
        raise census.fail("the file changed while it was being read (still being written?); land it again")
    if census.year is None:
        raise census.fail("no <Header><CollectionDetails>: the census names its collection year there")
    if not census.children:
        raise census.fail("no <Child> in <Children>: a census holds at least one child")
    return census.year, census.frames()


def _check_root(census: _Census, root: etree._Element) -> None:
    """A census is a <Message> with no DOCTYPE: a DTD is where entity bombs and external entities live."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        raise census.fail("a DOCTYPE (DTD) in the file: refused unread, a CIN census carries none (entity "
                          "expansion and external entities are never resolved)")
    if root.tag != "Message":
        raise census.fail(f"the root element is <{root.tag}>, not <Message>: not a CIN census")


def _one_line(exc: etree.XMLSyntaxError) -> str:
    message = " ".join(str(exc.msg or exc).split())
    return message if exc.lineno is None or "line" in message else f"{message}, line {exc.lineno}"
