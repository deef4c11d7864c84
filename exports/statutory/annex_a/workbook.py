"""The Annex A workbook: one sheet per list (Ofsted's headings in row 1, one row per record) and a Notes sheet
(the as-of date, each list's period and scope, and every column the SSD cannot fill)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.styles import Font
from openpyxl.workbook import Workbook

from ingest.annex_a.spec import AnnexList
from exports.xlsx import fit_columns, put, write_header

DATE_FORMAT = "dd/mm/yyyy"  # as Ofsted's template shows dates
NOTES = "Notes"
SOURCES = (
    "Headings: Annex A schema of the London Innovation and Improvement Alliance (Social Finance, liia-tools, "
    "Annex_A_schema.yml, October 2023); list scope: Ofsted's wording as quoted in Data to Insight's SSD Annex A "
    "queries (ssd-data-model, AnnexA_sqlserver_v1.2.0). See docs/statutory/annex_a.md."
)


@dataclass(frozen=True)
class Facts:
    la_code: str
    as_of: date
    generated_at: datetime
    software_version: str


def build_workbook(facts: Facts, sheets: list[tuple[AnnexList, list[list[Any]]]]) -> Workbook:
    """`sheets`: each list with its rows, already in column order (values as written)."""
    wb = Workbook()
    wb.remove(wb.active)
    for annex_list, rows in sheets:
        ws = wb.create_sheet(annex_list.sheet)
        write_header(ws, [c.heading for c in annex_list.columns])
        formats = [DATE_FORMAT if c.format == "date" else None for c in annex_list.columns]
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    put(ws, r, c, value, formats[c - 1])
        fit_columns(ws)
    _notes(wb.create_sheet(NOTES), facts, sheets)
    return wb


def _notes(ws, facts: Facts, sheets: list[tuple[AnnexList, list[list[Any]]]]) -> None:
    bold = Font(bold=True)
    lines: list[list[Any]] = [
        ["Ofsted Annex A", None],
        ["Local authority", facts.la_code],
        ["As-of date (date of inspection)", facts.as_of],
        ["Generated at (UTC)", facts.generated_at],
        ["Software version", facts.software_version],
        ["Sources", SOURCES],
        [],
        ["List", "Sheet", "Title", "Period from", "Period to", "Rows", "Scope (Ofsted)"],
    ]
    heads = {0, len(lines) - 1}
    for annex_list, rows in sheets:
        lines.append([annex_list.number, annex_list.sheet, annex_list.title,
                      annex_list.period_start(facts.as_of), facts.as_of, len(rows), annex_list.scope])
    lines += [[], ["List", "Column", "Left empty because"]]
    heads.add(len(lines) - 1)
    for annex_list, _ in sheets:
        if annex_list.query is None:  # nothing to fill from: one line for the sheet
            lines.append([annex_list.number, "(every column)", annex_list.unfilled_reason])
            continue
        for heading, why in annex_list.unfilled():
            lines.append([annex_list.number, heading, why])
    for r, values in enumerate(lines, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                is_day = isinstance(value, date) and not isinstance(value, datetime)
                put(ws, r, c, value, DATE_FORMAT if is_day else None)
                if r - 1 in heads:
                    ws.cell(row=r, column=c).font = bold
    fit_columns(ws, wrap_wider_than=60)
