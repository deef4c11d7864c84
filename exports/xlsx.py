"""Excel helpers shared by exports: safe text cells, a bold frozen header, column widths, stable bytes.

Formula-like text: a text value starting with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some programs also treat as a formula start) is written with one leading space, so no text
cell begins with a formula character and the visible text is unchanged apart from that space.
An apostrophe is not used because openpyxl would store it as part of the text. Numbers are never
changed: a negative number is a numeric cell, not text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_MIN_WIDTH, _MAX_WIDTH, _NUMBER_WIDTH = 8, 60, 12


def safe_text(text: str) -> str:
    """Text as it may appear in a cell: control characters dropped, formula starts defused with a space."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return " " + text if text.startswith(FORMULA_STARTS) else text


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """One cell: text made safe, dates and datetimes given a date format, numbers their display format."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = safe_text(value)
        return
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def write_header(ws: Worksheet, headers: Sequence[str]) -> None:
    """Row 1, bold, frozen so it stays in view."""
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        put(ws, 1, column, header)
        ws.cell(row=1, column=column).font = bold
    ws.freeze_panes = "A2"


def fit_columns(ws: Worksheet, *, wrap_wider_than: int | None = None) -> None:
    """Column widths from the longest value (text length; numbers and dates a fixed width), within bounds."""
    for column_cells in ws.iter_cols():
        longest = max((_display_length(cell.value) for cell in column_cells), default=0)
        width = min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(column_cells[0].column)].width = width
        if wrap_wider_than is not None and longest > wrap_wider_than:
            for cell in column_cells[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.splitlines() or [""])
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return _NUMBER_WIDTH


def workbook_bytes(wb: Workbook, *, timestamp: datetime) -> bytes:
    """The .xlsx bytes, identical for identical content and timestamp (naive UTC).

    `openpyxl.save_workbook` stamps `modified` with the current time and the zip entries with the local
    clock, so the workbook is written with its properties set to `timestamp` and the archive is then
    rewritten with every entry dated `timestamp`.
    """
    wb.properties.created = timestamp
    wb.properties.modified = timestamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    stamp = (max(timestamp.year, 1980), timestamp.month, timestamp.day, timestamp.hour, timestamp.minute, timestamp.second)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename))
    return stable.getvalue()
