"""The regional return workbook: sheets Cover, Return, Data quality and Definitions (docs/specs/REGIONAL_RETURN.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.styles import Alignment
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from expectations.releases import Release
from exports.regional.read import CheckResult, DqRun, LocalAuthority
from exports.regional.rows import Figure, ReturnRow
from exports.regional.suppression import SUPPRESSED, Suppression
from exports.xlsx import fit_columns, put, write_header

SHEETS = ("Cover", "Return", "Data quality", "Definitions")
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.0"
# Display format of an indicator's value by unit; the stored value stays unrounded.
VALUE_FORMATS = {
    "count": COUNT_FORMAT,
    "rate": DECIMAL_FORMAT,
    "percent": DECIMAL_FORMAT,
    "days": DECIMAL_FORMAT,
    "score": DECIMAL_FORMAT,
    "ratio": DECIMAL_FORMAT,
}
NO_DIRECTION = "—"
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class CoverFacts:
    authority: LocalAuthority
    period: str
    period_start: date
    period_end: date
    as_of: date | None
    generated_at: datetime  # naive, UTC
    software_version: str
    run: DqRun
    catalogue_version: str
    suppression: Suppression
    release: Release | None = None  # a blocked quarter let out by a named person (expectations/releases.py)


def build_workbook(
    cover: CoverFacts, rows: Sequence[ReturnRow], period_labels: Sequence[str], checks: Sequence[CheckResult]
) -> Workbook:
    wb = Workbook()
    wb.properties.creator = f"csw {cover.software_version}"
    wb.properties.title = f"Regional return {cover.authority.la_code} {cover.period}"
    _cover_sheet(wb.active, cover)
    _return_sheet(wb.create_sheet(SHEETS[1]), rows, period_labels)
    _data_quality_sheet(wb.create_sheet(SHEETS[2]), checks)
    _definitions_sheet(wb.create_sheet(SHEETS[3]), rows)
    return wb


def _cover_sheet(ws: Worksheet, cover: CoverFacts) -> None:
    ws.title = SHEETS[0]
    facts: list[tuple[str, object]] = [
        ("la_code", cover.authority.la_code),
        ("la_name", cover.authority.la_name),
        ("region", cover.authority.region),
        ("period", cover.period),
        ("period_start", cover.period_start),
        ("period_end", cover.period_end),
        ("as_of", cover.as_of),
        ("generated_at (UTC)", cover.generated_at),
        ("software version", cover.software_version),
        ("data quality status", cover.run.status),
        ("data quality checks run", cover.run.checks_run),
        ("data quality warnings", cover.run.warnings),
        ("data quality run", cover.run.run_id),
        ("catalogue version", cover.catalogue_version),
        ("small-number suppression", cover.suppression.description),
    ]
    if cover.release is not None:  # never silent: who released the blocked quarter, when, why, against what
        made = cover.release
        facts += [
            ("released despite blocking checks", f"by {made.released_by} at {made.released_at:%Y-%m-%d %H:%M} UTC"),
            ("release reason", made.reason),
            ("released against run", made.run_id),
            ("checks released", "; ".join(made.blocking_checks)),
        ]
    write_header(ws, ("field", "value"))
    for row, (field, value) in enumerate(facts, start=2):
        put(ws, row, 1, field)
        put(ws, row, 2, value, COUNT_FORMAT if isinstance(value, int) else None)
        ws.cell(row=row, column=2).alignment = Alignment(horizontal="left")
    fit_columns(ws)


def _return_sheet(ws: Worksheet, rows: Sequence[ReturnRow], period_labels: Sequence[str]) -> None:
    write_header(ws, ("indicator_id", "title", "unit", *period_labels, "numerator", "denominator", "better", "note"))
    numerator_column = 4 + len(period_labels)
    for row_number, row in enumerate(rows, start=2):
        indicator = row.indicator
        value_format = VALUE_FORMATS.get(indicator.unit.lower(), "General")
        put(ws, row_number, 1, indicator.indicator_id)
        put(ws, row_number, 2, indicator.title)
        put(ws, row_number, 3, indicator.unit)
        for offset, figure in enumerate(row.figures):
            _put_figure(ws, row_number, 4 + offset, figure, value_format)
        _put_figure(ws, row_number, numerator_column, row.numerator, _component_format(row.numerator))
        _put_figure(ws, row_number, numerator_column + 1, row.denominator, _component_format(row.denominator))
        put(ws, row_number, numerator_column + 2, indicator.better or NO_DIRECTION)
        put(ws, row_number, numerator_column + 3, row.note)
    fit_columns(ws)


def _put_figure(ws: Worksheet, row: int, column: int, figure: Figure, number_format: str | None) -> None:
    """A number in its display format, or the suppression marker `c` aligned with the numbers."""
    if figure == SUPPRESSED:
        put(ws, row, column, figure)
        ws.cell(row=row, column=column).alignment = Alignment(horizontal="right")
    else:
        put(ws, row, column, figure, number_format)


def _component_format(number: Figure) -> str | None:
    """Numerators and denominators are mostly whole counts; sums such as FTE or days keep two decimals."""
    if number is None or number == SUPPRESSED:
        return None
    return COUNT_FORMAT if float(number).is_integer() else "#,##0.00"


def _data_quality_sheet(ws: Worksheet, checks: Sequence[CheckResult]) -> None:
    """Check names, statuses and counts only: `read` keeps no value quoted from a feed (docs/specs/REGIONAL_RETURN.md)."""
    write_header(ws, ("suite", "check", "feed", "table", "severity", "status", "observed value", "rows failing"))
    for row_number, check in enumerate(checks, start=2):
        cells = (
            check.suite, check.check_name, check.feed, check.table_name, check.severity, check.status,
            _observed(check.observed_value),
        )
        for column, value in enumerate(cells, start=1):
            put(ws, row_number, column, value)
        put(ws, row_number, 8, check.failing_rows, COUNT_FORMAT)
    fit_columns(ws)


def _observed(text: str | None) -> str | float | None:
    """dq stores observed values as text; a plain number is written as a number cell."""
    if text is not None and _PLAIN_NUMBER.fullmatch(text.strip()):
        return float(text)
    return text


def _definitions_sheet(ws: Worksheet, rows: Sequence[ReturnRow]) -> None:
    write_header(ws, ("indicator_id", "title", "definition"))
    for row_number, row in enumerate(rows, start=2):
        put(ws, row_number, 1, row.indicator.indicator_id)
        put(ws, row_number, 2, row.indicator.title)
        put(ws, row_number, 3, row.indicator.definition)
    fit_columns(ws, wrap_wider_than=60)
