"""An authority's Annex A workbook → one typed frame per list, read safely (docs/statutory/sources.md "Annex A").

Safety, before openpyxl sees a byte:
- an OLE compound file (the header D0 CF 11 E0: an encrypted workbook, or a legacy .xls) is refused;
- a macro-enabled workbook (.xlsm, or `vbaProject.bin` inside the zip) is refused;
- a corrupt or truncated zip is refused;
- the uncompressed size of the zip's entries, summed from its directory, over `MAX_UNCOMPRESSED_BYTES`
  is refused (a zip bomb, an oversized sheet), as is a workbook over `MAX_WORKBOOK_BYTES`.
Then openpyxl reads it read-only, values only (`data_only=True`): a formula's value is the one Excel saved with
the file and nothing is ever evaluated; a formula cell with no saved value is refused with its sheet, row and
column (a second read-only pass, formulas as text, finds them), never read as empty.

Lists are recognised by their heading row (one of a sheet's first `HEADER_ROWS` rows), whatever the sheet is
called and wherever it stands: headings compared case- and whitespace-insensitively, extra columns kept (as
text), a list whose headings are all present wins (the one with most headings if several). A sheet that looks
like a list (its title names one, or it has a Child Unique ID heading) but misses headings is refused, naming
them; any other sheet is ignored and named in the load's warning.

The as-of date: the workbook's own Notes/cover cell (a cell reading "As-of date", "Date of inspection" or
"Inspection date", the date in the cell to its right: our export writes it), else a date in the file name
(`…_2025-03-31.xlsx` or `…_20250331.xlsx`), else the run's `--as-of`; none of them refuses the workbook, and a
cover date that contradicts the file name's is refused too.

The authority: a cover cell reading "LA code", "Local authority code", "LA number" or "LEA" with a code in the cell
to its right must be the authority folder's the workbook arrived in (`authority`); another is refused, naming both.

Values: dates as Excel dates or dd/mm/yyyy (or yyyy-mm-dd) text; whole numbers; codes as Ofsted's answer labels
(`a) Male`), the label without its letter (`Male`) or the SSD code itself (`M`), read back to the SSD code
(codes.yaml); anything else is refused with its sheet, row and column.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
from openpyxl import load_workbook

from ingest.annex_a.schema import DFE_CODES, TABLES, column_name, column_type, snake
from ingest.annex_a.spec import AnnexList, load_codes, load_lists
from ingest.core.contract import TableContract
from ingest.core.read import ContractError, check_authority, open_landed, shown

MAX_WORKBOOK_BYTES = 64 * 1024**2
MAX_UNCOMPRESSED_BYTES = 256 * 1024**2
HEADER_ROWS = 5  # a heading row may sit under a title or two
COVER_ROWS = 40  # rows of a sheet searched for the as-of date
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_AS_OF_LABELS = ("as-of date", "as of date", "date of inspection", "inspection date")
_AUTHORITY_LABELS = ("la code", "local authority code", "la number", "local authority number", "lea", "lea code",
                     "dfe la code")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_LIST_TITLE = re.compile(r"^list\s*0*(\d+)\b")


@dataclass
class AnnexWorkbook:
    as_of: date
    frames: list[tuple[TableContract, pd.DataFrame]]
    notes: list[str] = field(default_factory=list)  # sheets ignored, lists absent: the load's warning


def normal(text: Any) -> str:
    """A heading or title as compared: case-folded, whitespace runs as one space, trimmed."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def read_workbook(path: Path, *, as_of: date | None = None, sha256: str | None = None,
                  max_uncompressed: int | None = None, authority: str | None = None) -> AnnexWorkbook:
    name = shown(path.name)
    data = _checked_bytes(path, name, sha256, max_uncompressed or MAX_UNCOMPRESSED_BYTES)
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if _has_formulas(data) else None
    try:
        found, ignored, cover = _recognise(name, values)
        workbook_as_of, cover_sheet = _as_of(name, path.name, cover, as_of)
        for title, label, code in _cover_authority(cover):
            check_authority(name, code, authority, f"the cell '{shown(label, 40)}' of sheet '{shown(title, 60)}'")
        frames = []
        for annex_list, (sheet, header_row, headings) in sorted(found.items(), key=lambda item: item[0].number):
            rows = _rows(values[sheet], formulas[sheet] if formulas else None, header_row)
            frames.append((TABLES[annex_list.table],
                           _frame(name, sheet, annex_list, headings, rows, workbook_as_of)))
    finally:
        values.close()
        if formulas:
            formulas.close()
    notes = [f"sheet '{shown(s, 60)}' is not an Annex A list (no list's headings in its first {HEADER_ROWS} rows): "
             "ignored" for s in ignored if s != cover_sheet]
    absent = [str(a.number) for a in load_lists() if a not in found]
    if absent:
        notes.append(f"no sheet holds list {', '.join(absent)}: nothing loaded for it")
    return AnnexWorkbook(workbook_as_of, frames, notes)


def _checked_bytes(path: Path, name: str, sha256: str | None, max_uncompressed: int) -> bytes:
    """The workbook's bytes, once the refusals that need no spreadsheet reader have passed."""
    with open_landed(path, name) as handle:
        data = handle.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        raise ContractError(name, f"workbook over {MAX_WORKBOOK_BYTES:,} bytes, the limit for an Annex A workbook")
    if sha256 is not None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ContractError(name, "the file changed while it was being read (still being written?); land it again")
    if data.startswith(OLE_MAGIC):
        raise ContractError(name, "encrypted or legacy workbook (an OLE compound file, not an .xlsx zip): save it "
                                  "without a password as .xlsx")
    if path.suffix.lower() == ".xlsm":
        raise ContractError(name, "macro-enabled workbook (.xlsm) refused: save it as .xlsx (macros removed)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ContractError(name, f"not a readable .xlsx workbook (corrupt or truncated zip: {shown(str(exc), 120)})") from None
    if any(e.filename.lower().endswith("vbaproject.bin") for e in entries):
        raise ContractError(name, "macro-enabled workbook (it holds vbaProject.bin) refused: save it as .xlsx "
                                  "(macros removed)")
    uncompressed = sum(e.file_size for e in entries)
    if uncompressed > max_uncompressed:
        raise ContractError(name, f"workbook unpacks to {uncompressed:,} bytes, over the limit of "
                                  f"{max_uncompressed:,} (a zip bomb or an oversized sheet)")
    return data


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula (an `<f>` element; the sizes were checked before)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(_FORMULA.search(archive.read(entry)) for entry in archive.namelist()
                   if entry.startswith("xl/worksheets/") and entry.endswith(".xml"))


def _recognise(name: str, workbook) -> tuple[dict[AnnexList, tuple[str, int, list[str]]], list[str],
                                             list[tuple[str, list[tuple]]]]:
    """Each list found → (sheet title, heading row number, the row's headings); sheets ignored; each ignored
    sheet's first rows (where the as-of date is looked for)."""
    lists = load_lists()
    wanted = {a: [normal(c.heading) for c in a.columns] for a in lists}
    found: dict[AnnexList, tuple[str, int, list[str]]] = {}
    ignored: list[str] = []
    cover: list[tuple[str, list[tuple]]] = []
    for sheet in workbook.worksheets:
        top = list(sheet.iter_rows(max_row=max(HEADER_ROWS, COVER_ROWS), values_only=True))
        match = _heading_row(top[:HEADER_ROWS], wanted)
        if match is None:
            _refuse_near_miss(name, sheet.title, top[:HEADER_ROWS], wanted)
            ignored.append(sheet.title)
            cover.append((sheet.title, top))
            continue
        annex_list, row_number, headings = match
        if annex_list in found:
            raise ContractError(name, f"sheets '{shown(found[annex_list][0], 60)}' and '{shown(sheet.title, 60)}' "
                                      f"both hold list {annex_list.number} ({annex_list.title})")
        found[annex_list] = (sheet.title, row_number, headings)
    if not found:
        titles = ", ".join(f"'{shown(t, 40)}'" for t in ignored) or "none"
        raise ContractError(name, f"no Annex A list recognised in sheets {titles} (a list is recognised by its "
                                  "heading row, e.g. Child Unique ID, Gender, … Date of Contact)")
    return found, ignored, cover


def _heading_row(rows: list[tuple], wanted: dict[AnnexList, list[str]]) -> tuple[AnnexList, int, list[str]] | None:
    for number, row in enumerate(rows, start=1):
        cells = {normal(v) for v in row}
        complete = [a for a, headings in wanted.items() if set(headings) <= cells]
        if complete:
            best = max(complete, key=lambda a: len(wanted[a]))
            return best, number, [" ".join(str(v).split()) if v is not None else "" for v in row]
    return None


def _refuse_near_miss(name: str, title: str, rows: list[tuple], wanted: dict[AnnexList, list[str]]) -> None:
    """A sheet that looks like a list but lacks some of its headings is refused, naming them: its title names a
    list (its row nearest that list's headings is taken), or a row holds a Child Unique ID and at least half the
    headings of a list."""
    by_title = _list_by_title(title, wanted)
    candidates = [by_title] if by_title else list(wanted)
    nearest: tuple[int, AnnexList, set[str]] | None = None
    for cells in ({normal(v) for v in row} for row in rows):
        if by_title is None and "child unique id" not in cells:
            continue
        for annex_list in candidates:
            overlap = len(set(wanted[annex_list]) & cells)
            if nearest is None or overlap > nearest[0]:
                nearest = (overlap, annex_list, cells)
    if nearest is None or not nearest[0]:
        if by_title is not None:
            raise ContractError(name, f"sheet '{shown(title, 60)}' is named like list {by_title.number} "
                                      f"({by_title.title}) but none of its first {HEADER_ROWS} rows holds that "
                                      "list's headings")
        return
    _, best, cells = nearest
    missing = [c.heading for c in best.columns if normal(c.heading) not in cells]
    if by_title is None and len(missing) > len(best.columns) // 2:
        return
    raise ContractError(name, f"sheet '{shown(title, 60)}' looks like list {best.number} ({best.title}) but its "
                              f"heading row lacks {', '.join(repr(m) for m in missing)}")


def _list_by_title(title: str, wanted: dict[AnnexList, list[str]]) -> AnnexList | None:
    text = normal(title)
    for annex_list in wanted:
        if text in (normal(annex_list.sheet), normal(annex_list.title)):
            return annex_list
    match = _LIST_TITLE.match(text)
    return next((a for a in wanted if match and a.number == int(match.group(1))), None)


def _cover_authority(cover: list[tuple[str, list[tuple]]]) -> list[tuple[str, str, Any]]:
    """(sheet, label, the value to its right) of every cover cell naming the authority's code."""
    return [(title, value, row[i + 1]) for title, rows in cover for row in rows
            for i, value in enumerate(row[:-1])
            if isinstance(value, str) and normal(value).rstrip(":").strip() in _AUTHORITY_LABELS]


def _as_of(name: str, file_name: str, cover: list[tuple[str, list[tuple]]],
           run_as_of: date | None) -> tuple[date, str | None]:
    """The workbook's as-of date and the sheet it was read from (None: the file name or the run's)."""
    from_cover, cover_sheet = None, None
    for title, row in ((title, row) for title, rows in cover for row in rows):
        for i, value in enumerate(row[:-1]):
            if isinstance(value, str) and normal(value).startswith(_AS_OF_LABELS):
                from_cover, cover_sheet = _as_date(row[i + 1]), title
                if from_cover is None:
                    raise ContractError(name, f"sheet '{shown(title, 60)}': the cell '{shown(value, 60)}' is "
                                              f"followed by {shown(repr(row[i + 1]), 40)}, not a date")
                break
        if from_cover:
            break
    match = _DATE_IN_NAME.search(file_name)
    from_name = None
    if match:
        try:
            from_name = date(*map(int, match.groups()))
        except ValueError:
            from_name = None
    if from_cover and from_name and from_cover != from_name:
        raise ContractError(name, f"the as-of date on the cover sheet ({from_cover}) is not the one in the file "
                                  f"name ({from_name})")
    resolved = from_cover or from_name or run_as_of
    if resolved is None:
        raise ContractError(name, "no as-of date: give the workbook a Notes cell 'As-of date' with the date of "
                                  "inspection, put it in the file name (annex_a_2025-03-31.xlsx) or pass --as-of")
    return resolved, cover_sheet


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                pass
    return None


def _rows(values_sheet, formulas_sheet, header_row: int) -> Iterator[tuple[int, list[tuple[Any, Any]]]]:
    """(Excel row number, [(saved value, formula or None) per cell]) of each row under the headings."""
    start = header_row + 1
    saved_rows = values_sheet.iter_rows(min_row=start, values_only=True)
    if formulas_sheet is None:  # no formula anywhere in the workbook: one pass
        for number, saved in enumerate(saved_rows, start=start):
            yield number, [(value, None) for value in saved]
        return
    pairs = zip_longest(saved_rows, formulas_sheet.iter_rows(min_row=start, values_only=True), fillvalue=())
    for number, (saved, written) in enumerate(pairs, start=start):
        cells = []
        for value, formula in zip_longest(saved, written):
            is_formula = isinstance(formula, str) and formula.startswith("=") or type(formula).__name__ in (
                "ArrayFormula", "DataTableFormula")
            cells.append((value, formula if is_formula else None))
        yield number, cells


class _Codes:
    """Ofsted's answer labels read back to the SSD code: the label, the label without its letter, or the code
    (codes.yaml's, or the DfE list's: `DFE_CODES`)."""

    def __init__(self) -> None:
        self.lookup: dict[str, dict[str, str]] = {}
        for list_name, labels in load_codes().items():
            seen: dict[str, set[str]] = {normal(code): {code} for code in DFE_CODES.get(list_name, ())}
            for code, label in labels.items():
                for form in (label, re.sub(r"^[a-z]{1,2}\d?\)\s*", "", label), code):
                    seen.setdefault(normal(form), set()).add(code)
            if list_name == "yes_no":  # the headings ask for Y/N
                seen.update({"y": {"true"}, "n": {"false"}})
            self.lookup[list_name] = {form: codes.pop() for form, codes in seen.items() if len(codes) == 1}


def _frame(name: str, sheet: str, annex_list: AnnexList, headings: list[str],
           rows: Iterator[tuple[int, list[tuple[Any, Any]]]], as_of: date) -> pd.DataFrame:
    by_heading = {normal(c.heading): c for c in annex_list.columns}
    positions: dict[int, str] = {}  # cell index -> raw column name
    kinds: dict[str, tuple[str, str | None]] = {}  # raw column -> (contract type, code list)
    seen: set[str] = set()
    for i, heading in enumerate(map(normal, headings)):
        if not heading:
            continue
        if heading in seen:
            raise ContractError(name, f"sheet '{shown(sheet, 60)}': heading '{shown(headings[i], 60)}' appears twice")
        seen.add(heading)
        column = by_heading.get(heading)
        raw = column_name(column) if column else snake(heading)  # an extra column (the loader makes it safe)
        if not column and (not raw or raw in kinds or raw in TABLES[annex_list.table].column_names):
            raw = f"extra_{raw}"
        positions[i] = raw
        kinds[raw] = (column_type(column), column.codes if column and column.format == "code" else None) \
            if column else ("string", None)
    codes = _Codes()
    out: dict[str, list[Any]] = {raw: [] for raw in kinds}
    numbers: list[int] = []
    for number, cells in rows:
        if all(_blank(value) and formula is None for value, formula in cells):
            continue
        numbers.append(number)
        for i, (value, formula) in enumerate(cells):
            raw = positions.get(i)
            if raw is None:
                if not _blank(value):
                    raise ContractError(name, f"{_where(sheet, number, headings, i)}: value {shown(repr(value), 40)} "
                                              "under a blank heading")
                continue
            if formula is not None and value is None:
                raise ContractError(name, f"{_where(sheet, number, headings, i)}: a formula ({shown(str(formula), 40)}) "
                                          "with no saved value; formulas are never evaluated: save the workbook in "
                                          "Excel or paste values")
            kind, code_list = kinds[raw]
            try:
                out[raw].append(_convert(kind, code_list, value, codes))
            except ValueError as exc:
                raise ContractError(name, f"{_where(sheet, number, headings, i)}: {exc}") from None
        for raw in kinds:  # a short row: the rest blank
            if len(out[raw]) < len(numbers):
                out[raw].append(None)
    frame = pd.DataFrame({"as_of_date": pd.Series([pd.Timestamp(as_of)] * len(numbers), dtype="datetime64[ns]"),
                          "sheet_row": pd.Series(numbers, dtype="Int64")})
    for raw, values in out.items():
        kind = kinds[raw][0]
        if kind == "date":
            frame[raw] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        elif kind == "int":
            frame[raw] = pd.Series(values, dtype="Int64")
        else:
            frame[raw] = pd.Series(values, dtype="object")
        if kind == "id" and frame[raw].isna().any():
            row = numbers[int(frame[raw].isna().to_numpy().nonzero()[0][0])]
            raise ContractError(name, f"sheet '{shown(sheet, 60)}' row {row}, column 'Child Unique ID': "
                                      "required value is blank")
    for column in TABLES[annex_list.table].columns:  # a contract column the sheet lacks (none: headings are required)
        if column.name not in frame.columns:
            frame[column.name] = None
    frame["_row_number"] = frame["sheet_row"]
    return frame


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _where(sheet: str, number: int, headings: list[str], i: int) -> str:
    heading = headings[i] if i < len(headings) else ""
    return f"sheet '{shown(sheet, 60)}' row {number}, column " + (f"'{shown(heading, 60)}'" if heading else f"{i + 1}")


def _convert(kind: str, code_list: str | None, value: Any, codes: _Codes) -> Any:
    """A cell's value as its column's type; ValueError with the reason (the caller adds sheet, row, column)."""
    if _blank(value):
        return None
    if kind == "date":
        day = _as_date(value)
        if day is None:
            raise ValueError(f"not a date {shown(repr(value), 40)} (an Excel date or dd/mm/yyyy)")
        return day
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError(f"not a whole number {value!r}")
        if isinstance(value, (int, float)) and float(value).is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value.strip())
        raise ValueError(f"not a whole number {shown(repr(value), 40)}")
    if code_list is not None:
        code = codes.lookup[code_list].get(normal(value))
        if code is None:
            raise ValueError(f"unknown code {shown(repr(value), 60)} (not one of Ofsted's answers for this "
                             f"column, codes.yaml '{code_list}')")
        return code
    if isinstance(value, datetime):
        return value.date().isoformat() if value == datetime.combine(value.date(), datetime.min.time()) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 123 as 123.0
    return str(value).strip()
