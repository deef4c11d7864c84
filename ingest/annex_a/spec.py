"""Ofsted's Annex A lists as data: `lists.yaml` (sheets, scope, period, columns) and `codes.yaml` (answer labels).

One definition for both directions: the export (`exports/statutory/annex_a`) writes the workbook from it and
the ingest (`ingest/annex_a`) reads an authority's workbook by it. It sits on the ingest floor so both can
import it (an export may import ingest, never the other way).

The column definitions live in the YAML, not in code: a column is either filled from a named field of the
list's rows (with a format) or left empty with the reason the SSD cannot fill it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FORMATS = ("date", "integer", "text", "code")


@dataclass(frozen=True)
class Column:
    heading: str
    field: str | None = None
    format: str | None = None
    codes: str | None = None
    unfilled: str | None = None  # why the SSD cannot fill the column (it stays empty)


@dataclass(frozen=True)
class AnnexList:
    number: int
    table: str  # its raw table at ingest: raw.annex_a__<table>
    sheet: str
    title: str
    scope: str
    period_months: int | None  # None: the list is the position on the as-of date only
    query: str | None  # the export's SQL file (exports/statutory/annex_a/sql/); None: the SSD has no source
    columns: tuple[Column, ...]
    unfilled_reason: str | None = None

    def period_start(self, as_of: date) -> date | None:
        return window_start(as_of, self.period_months) if self.period_months else None

    def unfilled(self) -> list[tuple[str, str]]:
        """(heading, why) of every column the SSD cannot fill."""
        if self.query is None:
            return [(c.heading, self.unfilled_reason or "") for c in self.columns]
        return [(c.heading, c.unfilled) for c in self.columns if c.unfilled]


@cache
def load_codes() -> dict[str, dict[str, str]]:
    with (HERE / "codes.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {name: {str(code): str(label) for code, label in labels.items()} for name, labels in raw.items()}


@cache
def load_lists() -> tuple[AnnexList, ...]:
    with (HERE / "lists.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    codes = load_codes()
    lists = []
    for entry in raw["lists"]:
        columns = tuple(_column(c, entry["number"], codes, entry["query"] is not None) for c in _flat(entry["columns"]))
        lists.append(AnnexList(
            number=entry["number"], table=entry["table"], sheet=entry["sheet"], title=entry["title"], scope=" ".join(entry["scope"].split()),
            period_months=entry["period_months"], query=entry["query"], columns=columns,
            unfilled_reason=entry.get("unfilled_reason"),
        ))
    return tuple(lists)


def _flat(columns: list) -> list[dict]:
    """The YAML shares the child columns as one anchored list; splice such lists in place."""
    flat: list[dict] = []
    for item in columns:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def _column(raw: dict, number: int, codes: dict[str, dict[str, str]], has_query: bool) -> Column:
    column = Column(**raw)
    where = f"lists.yaml list {number} column {column.heading!r}"
    if has_query and (column.field is None) == (column.unfilled is None):
        raise ValueError(f"{where}: give either field (with format) or unfilled")
    if column.field is not None and column.format not in FORMATS:
        raise ValueError(f"{where}: format must be one of {', '.join(FORMATS)}")
    if column.format == "code" and column.codes not in codes:
        raise ValueError(f"{where}: codes {column.codes!r} is not a list of codes.yaml")
    return column


def window_start(as_of: date, months: int) -> date:
    """First day of the `months` calendar months ending on `as_of` (both days included): the day after the
    same day `months` months earlier (clamped to the month's length). 2025-03-31, 6 -> 2024-10-01."""
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month += 1
    day = min(as_of.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=1)


def age_on(birth_date: date | None, expected_birth_date: date | None, on: date) -> int | None:
    """Age in whole years at the last birthday on `on`; -1 for a child not yet born on that date (Ofsted's
    convention for an unborn child); None when neither date is known."""
    if birth_date is None:
        return -1 if expected_birth_date is not None else None
    if birth_date > on:
        return -1
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday
