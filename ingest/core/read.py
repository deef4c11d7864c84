"""File → typed DataFrame, checked against its contract. I/O and parsing only; no warehouse access.

Every failure raises `ContractError` with one line naming the file, the row and the column. Row
numbers count data rows from 1 (the header is row 0), the same numbers stored in `_row_number`.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ingest.core.contract import FIGURE_MARKERS, Column, TableContract

_DELIMITERS = (";", "\t", "|")
_INT_SUFFIX = re.compile(r"^(-?\d+)\.0+$")


# Files a desktop or a sync tool leaves in a folder: skipped without a trace, never quarantined. Any other
# name starting with '.' (a hidden or path-traversal-looking name such as `..ssd_person.csv`) is refused.
_OS_JUNK = re.compile(
    r"^(\.DS_Store|\._.*|Thumbs\.db|desktop\.ini|~\$.*|\.~lock\..*#"
    r"|\.[^.].*\.[A-Za-z0-9]{6})$",  # rsync's in-transfer temporary `.<name>.XXXXXX`
    flags=re.IGNORECASE,
)


def is_os_junk(file_name: str) -> bool:
    """A desktop's metadata file, an office lock file or an unfinished rsync transfer (see `_OS_JUNK`)."""
    return _OS_JUNK.match(file_name) is not None


def landed_files(folder: Path) -> list[Path]:
    """The entries of a feed folder the loader considers, in name order, never following a symbolic link:
    files, and links and other non-folders (the loader quarantines those unread). Sub-folders and OS junk
    are left alone; a feed folder that is itself a link lists nothing (the loader quarantines the link)."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted(Path(entry.path) for entry in entries
                      if not is_os_junk(entry.name) and not entry.is_dir(follow_symlinks=False))


def open_landed(path: Path, shown_name: str) -> BinaryIO:
    """A landed file opened for reading without following a symbolic link (O_NOFOLLOW) nor waiting on a pipe
    (O_NONBLOCK), and only if it is a regular file: a link swapped in after the folder was listed is refused
    unread. `shown_name` is the file's name as reasons print it (`shown`)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ContractError(shown_name, LINK_REASON) from None
        raise
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise ContractError(shown_name, NOT_A_FILE_REASON)
    return handle


LINK_REASON = "a symbolic link: quarantined without reading what it points to (land the file itself)"
NOT_A_FILE_REASON = "not a regular file (a pipe, socket or device): quarantined unread"


def shown(name: str, limit: int = 200) -> str:
    """A name as one line of text: control and line-breaking characters escaped as Python does (`\\n`,
    `\\x00`, `\\u2028`), cut to `limit` characters with `…`."""
    text = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in name)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ContractError(ValueError):
    """A file breaks its contract; the message is the one-line reason shown to people."""

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"{file_name}: {reason}")
        self.file_name = file_name
        self.reason = reason


def decode(file_name: str, data: bytes) -> str:
    """Strict UTF-8 (a BOM is dropped); a bad byte is reported with its line number."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContractError(
            file_name, f"not UTF-8: byte 0x{data[exc.start]:02X} on line {line} (save the extract as UTF-8)"
        ) from None


def _rows(file_name: str, text: str) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise ContractError(file_name, f"malformed CSV ({exc}); the file may be truncated") from None
    while rows and all(not cell.strip() for cell in rows[-1]):  # trailing blank lines
        rows.pop()
    return rows


def _check_header(file_name: str, header: list[str], contract: TableContract) -> list[str]:
    names = [h.strip().lower() for h in header]
    if len(names) == 1:
        for delimiter in _DELIMITERS:
            if delimiter in header[0]:
                shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
                raise ContractError(file_name, f"wrong delimiter: the header is separated by {shown}, expected ','")
    seen: set[str] = set()
    for name in names:
        if name in seen and name:  # unnamed columns are Excel's trailing commas (`_drop_unnamed`)
            raise ContractError(file_name, f"row 0 (header): column {name} appears twice")
        seen.add(name)
    missing = [c.name for c in contract.columns if c.required and c.name not in seen]
    if missing:
        raise ContractError(file_name, f"row 0 (header): missing required column {', '.join(missing)}")
    return names


def _drop_unnamed(file_name: str, names: list[str], body: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Drop columns with a blank header (Excel's trailing comma) when they hold no values; refuse them otherwise."""
    unnamed = [i for i, name in enumerate(names) if not name]
    if not unnamed:
        return names, body
    for row_number, row in enumerate(body, start=1):
        for i in unnamed:
            if row[i].strip():
                raise ContractError(file_name, f"row {row_number}, column {i + 1}: value {row[i]!r} under a blank header")
    keep = [i for i in range(len(names)) if i not in set(unnamed)]
    body = [[row[i] for i in keep] for row in body]  # every row already has the header's width
    return [names[i] for i in keep], body


def _first_bad(file_name: str, mask: pd.Series, column: str, values: pd.Series, what: str) -> None:
    if mask.any():
        idx = int(mask.to_numpy().nonzero()[0][0])
        raise ContractError(file_name, f"row {idx + 1}, column {column}: {what} {values.iloc[idx]!r}")


def parse_dates(file_name: str, column: str, values: pd.Series) -> pd.Series:
    """`YYYY-MM-DD` or `DD/MM/YYYY`, optionally followed by a time part; blank → NaT."""
    day = values.str.split(r"[ T]", n=1, regex=True).str[0]
    iso = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(day, format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(uk)
    _first_bad(file_name, values.notna() & parsed.isna(), column, values, "unparseable date")
    return parsed.dt.date


def _parse_numbers(file_name: str, column: Column, values: pd.Series) -> pd.Series:
    cleaned = values.str.replace(",", "", regex=False) if column.type == "decimal" else values
    numbers = pd.to_numeric(cleaned, errors="coerce")
    what = "not a number"
    if column.type == "int":
        non_integral = numbers.notna() & (numbers % 1 != 0)
        numbers = numbers.where(~non_integral)
        what = "not a whole number"
    _first_bad(file_name, values.notna() & numbers.isna(), column.name, values, what)
    return numbers.astype("Int64") if column.type == "int" else numbers.astype("float64")


def _parse_figures(file_name: str, column: Column, values: pd.Series) -> pd.Series:
    """Numbers (thousands commas dropped) as their text, or a marker such as `c` (any case) in lower case."""
    lowered = values.str.lower()
    marker = lowered.isin(FIGURE_MARKERS)
    cleaned = values.str.replace(",", "", regex=False)
    numbers = pd.to_numeric(cleaned.where(~marker), errors="coerce")
    shown = " or ".join(repr(m) for m in FIGURE_MARKERS)
    _first_bad(file_name, values.notna() & ~marker & numbers.isna(), column.name, values, f"not a number nor {shown}:")
    return lowered.where(marker, cleaned).where(values.notna(), None).astype("object")


def _convert(file_name: str, column: Column, values: pd.Series) -> pd.Series:
    if column.type == "figure":
        return _parse_figures(file_name, column, values)
    if column.type == "date":
        return parse_dates(file_name, column.name, values)
    if column.type in ("int", "decimal"):
        return _parse_numbers(file_name, column, values)
    if column.type == "id":
        return values.str.replace(_INT_SUFFIX, r"\1", regex=True)  # Excel turns 123 into 123.0
    return values


def read_table(path: Path, contract: TableContract, data: bytes | None = None) -> pd.DataFrame:
    """Read and check one file. Returns the contract's columns typed, extra columns as text, `_row_number`."""
    file_name = path.name
    data = path.read_bytes() if data is None else data
    if not data.strip():
        raise ContractError(file_name, "empty file (no header row)")
    rows = _rows(file_name, decode(file_name, data))
    if not rows:
        raise ContractError(file_name, "empty file (no header row)")
    names = _check_header(file_name, rows[0], contract)
    body = rows[1:]
    width = len(names)
    for i, row in enumerate(body, start=1):
        if len(row) != width:
            hint = " (truncated last line?)" if i == len(body) else ""
            raise ContractError(file_name, f"row {i}: {len(row)} fields where the header has {width}{hint}")
    names, body = _drop_unnamed(file_name, names, body)
    if not body and contract.rows_required:
        raise ContractError(file_name, "header only: this file must contain rows")

    frame = pd.DataFrame(body, columns=names, dtype="object")
    frame = frame.apply(lambda s: s.str.strip()).replace("", None) if len(frame) else frame
    out: dict[str, pd.Series] = {}
    for column in contract.columns:
        if column.name not in frame.columns:
            out[column.name] = pd.Series([None] * len(frame), dtype="object")
            continue
        values = frame[column.name].astype("object")
        if not column.nullable:
            blank = values.isna()
            if blank.any():
                idx = int(blank.to_numpy().nonzero()[0][0])
                raise ContractError(file_name, f"row {idx + 1}, column {column.name}: required value is blank")
        out[column.name] = _convert(file_name, column, values)
    for extra in (n for n in names if n not in out):  # kept in raw, ignored later
        out[extra] = frame[extra].astype("object")
    typed = pd.DataFrame(out)
    _check_key(file_name, typed, contract)
    typed["_row_number"] = range(1, len(typed) + 1)
    return typed


def _check_key(file_name: str, frame: pd.DataFrame, contract: TableContract) -> None:
    key = list(contract.key)
    dup = frame.duplicated(subset=key, keep=False)
    if dup.any():
        rows = (dup.to_numpy().nonzero()[0][:2] + 1).tolist()
        first = frame.iloc[rows[0] - 1]
        shown = ", ".join(f"{k}={first[k]}" for k in key)
        raise ContractError(file_name, f"rows {rows[0]} and {rows[1]}, column {'+'.join(key)}: duplicate key {shown}")
