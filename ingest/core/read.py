"""File → typed DataFrame, checked against its contract. I/O and parsing only; no warehouse access.

Every failure raises `ContractError` with one line naming the file, the row and the column. Row
numbers count data rows from 1 (the header is row 0), the same numbers stored in `_row_number`.
A file is streamed, never held whole: lines are read with a bound (`CSW_MAX_LINE_BYTES`), the header's width
is capped (`CSW_MAX_COLUMNS`), and rows go a chunk at a time into Arrow string arrays.
Most files are parsed by Arrow's CSV reader instead (`_read_body_fast`): only a file with nothing the two parsers
could read differently, checked as its bytes pass; any other file, and any error, goes to the strict reader
(Python's `csv`), which alone gives the reasons (docs/performance.md, "The loader at region scale").
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import re
import stat
import unicodedata
from functools import cache
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from foundation.settings import DEFAULT_MAX_COLUMNS, DEFAULT_MAX_LINE_BYTES
from ingest.core.contract import FIGURE_MARKERS, Column, TableContract

_DELIMITERS = (";", "\t", "|")
_INT_SUFFIX = r"^(-?\d+)\.0+$"
_CHUNK_ROWS = 65_536  # rows held as Python lists at a time; the rest of the file is in Arrow arrays
_READ_BYTES = 1024**2
_FAST_COLUMNS = 256  # a wider file (the widest contract has a dozen columns) is left to the strict reader
_FIRST = itemgetter(0)


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


def check_authority(file_name: str, in_file: object, folder: str | None, where: str) -> None:
    """A statutory file that names its own authority (the CIN census `<LEA>`, an Annex A cover's code) must be the
    authority folder's it arrived in (docs/regional-hub.md): else ContractError, one line naming the file, the
    folder and the code, and the loader quarantines it. Nothing to compare (no code in the file, no folder): passes."""
    code = str(in_file).strip() if in_file is not None else ""
    if code.endswith(".0") and code[:-2].isdigit():  # a spreadsheet's number cell (841.0)
        code = code[:-2]
    if code and folder and code != folder:
        raise ContractError(file_name, f"{where} is authority {code}, but the file arrived in the folder of authority "
                                       f"{folder}: another authority's file is not loaded (land it in {code}/)")


class _LineTooLong(Exception):
    """A line of the file is over the line cap (raised inside the line source, reported by `read_table`)."""


class _HashingReader(io.RawIOBase):
    """The file's bytes as they are read, fed to SHA-256: the parse reads exactly the bytes it hashes."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.sha256 = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)
        if n:
            self.sha256.update(memoryview(buffer)[:n])
        return n


def file_sha256(path: Path, shown_name: str | None = None) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file's bytes, read in chunks (never the whole file in memory) through
    `open_landed`: never through a link, never from a pipe."""
    with open_landed(path, shown_name or shown(path.name)) as f:
        digest = hashlib.file_digest(f, "sha256")
        return digest.hexdigest(), f.tell()


def _utf8_error(file_name: str, path: Path) -> ContractError:
    """The first byte that is not UTF-8, with its line number, found in one more streamed pass over the file."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    line = 1
    with open_landed(path, file_name) as f:
        while True:
            chunk = f.read(_READ_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:  # exc.object: the bytes held back from the last chunk + this chunk
                line += exc.object.count(b"\n", 0, exc.start)
                return ContractError(file_name, f"not UTF-8: byte 0x{exc.object[exc.start]:02X} on line {line} "
                                                "(save the extract as UTF-8)")
            if not chunk:
                break
            line += chunk.count(b"\n")
    return ContractError(file_name, "not UTF-8 (save the extract as UTF-8)")


def _bounded_lines(stream: io.TextIOBase, max_line_bytes: int) -> Iterator[str]:
    """The stream's lines, each read with a bound: a longer line raises `_LineTooLong` before it is held whole."""
    readline, quarter = stream.readline, max_line_bytes // 4  # a character takes at most 4 bytes in UTF-8
    while line := readline(max_line_bytes + 1):
        if len(line) > quarter and (len(line) > max_line_bytes or len(line.encode("utf-8", "surrogatepass")) > max_line_bytes):
            raise _LineTooLong
        yield line


def _is_blank(fields: list[str]) -> bool:
    return not any(cell.strip() for cell in fields)


def _check_header(file_name: str, header: list[str], contract: TableContract, max_columns: int) -> list[str]:
    if len(header) > max_columns:
        raise ContractError(file_name, f"row 0 (header): {len(header):,} columns, over the limit of {max_columns:,} "
                                       "(CSW_MAX_COLUMNS)")
    names = [h.strip().lower() for h in header]
    if len(names) == 1:
        for delimiter in _DELIMITERS:
            if delimiter in header[0]:
                shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
                raise ContractError(file_name, f"wrong delimiter: the header is separated by {shown}, expected ','")
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if "\x00" in name:
            raise ContractError(file_name, f"row 0 (header), column {i}: NUL byte (\\x00) in the column name")
        if name in seen and name:  # unnamed columns are Excel's trailing commas (`_Columns`)
            raise ContractError(file_name, f"row 0 (header): column {name} appears twice")
        seen.add(name)
    missing = [c.name for c in contract.columns if c.required and c.name not in seen]
    if missing:
        raise ContractError(file_name, f"row 0 (header): missing required column {', '.join(missing)}")
    return names


class _Columns:
    """The body's named columns as Arrow string arrays, built a chunk of rows at a time. Blank-header columns are
    not kept: they may hold only blanks (Excel's trailing comma), a value under one is refused."""

    def __init__(self, file_name: str, names: list[str]) -> None:
        self.file_name, self.names, self.rows, self.chunk = file_name, names, 0, []
        self.arrays: dict[str, list[pa.Array]] = {name: [] for name in names if name}

    def add(self, rows: list[list[str]]) -> None:
        self.chunk.extend(rows)
        if len(self.chunk) >= _CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.chunk:
            return
        for i, (name, values) in enumerate(zip(self.names, zip(*self.chunk))):
            if name:
                self.arrays[name].append(pa.array(list(values), type=pa.string()))  # from a tuple: ~60x slower
            elif any(map(str.strip, values)):
                k = next(k for k, value in enumerate(values) if value.strip())
                raise ContractError(self.file_name, f"row {self.rows + k + 1}, column {i + 1}: value {values[k]!r} "
                                                    "under a blank header")
        self.rows += len(self.chunk)
        self.chunk = []


def _failing_row(path: Path, max_line_bytes: int) -> int:
    """The number of the record on which reading fails (0 for the header), counted again one record at a time."""
    with io.TextIOWrapper(open_landed(path, shown(path.name)), encoding="utf-8-sig", newline="") as text:
        records = csv.reader(_bounded_lines(text, max_line_bytes), strict=True)
        row = -1
        try:
            for row, _ in enumerate(records):
                pass
        except (csv.Error, _LineTooLong, UnicodeDecodeError):
            return row + 1
    return row + 1


def _read_body(file_name: str, path: Path, contract: TableContract, max_columns: int, max_line_bytes: int,
               sha256: str | None) -> _Columns:
    """Header names and body columns of one file: Arrow's CSV reader when the file is one it provably reads as
    the strict reader does (`_read_body_fast`), else, on anything unusual or any error, the strict reader, which
    gives the reasons."""
    try:
        return _read_body_fast(file_name, path, contract, max_columns, max_line_bytes, sha256)
    except Exception:  # noqa: BLE001 - whatever it was, the strict reader reads the file again and says why
        return _read_body_strict(file_name, path, contract, max_columns, max_line_bytes, sha256)


def _read_body_strict(file_name: str, path: Path, contract: TableContract, max_columns: int, max_line_bytes: int,
                      sha256: str | None) -> _Columns:
    """Header names and body columns of one file, streamed: strict UTF-8 (BOM dropped), strict CSV, every cap."""
    with open_landed(path, file_name) as raw:
        hashing = _HashingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(hashing, _READ_BYTES), encoding="utf-8-sig", newline="")
        reader = csv.reader(_bounded_lines(text, max_line_bytes), strict=True)
        row = 0  # data rows count from 1 (the header is row 0)
        try:
            header = next(reader, None)
            if header is None or (_is_blank(header) and all(_is_blank(fields) for fields in reader)):
                raise ContractError(file_name, "empty file (no header row)")
            names = _check_header(file_name, header, contract, max_columns)
            width, body = len(names), _Columns(file_name, names)
            blanks, blank_misfit = 0, ""  # blank rows not yet known to be trailing; the first of them of another width
            while rows := list(islice(reader, _CHUNK_ROWS)):
                if not blanks and set(map(len, rows)) == {width} and all(map(str.strip, map(_FIRST, rows))):
                    body.add(rows)  # the usual chunk: every row as wide as the header, none blank
                    row += len(rows)
                    continue
                for k, fields in enumerate(rows, start=1):
                    row += 1
                    if fields and fields[0].strip() or not _is_blank(fields):
                        if blank_misfit:  # blank rows before a value are rows of the file
                            raise ContractError(file_name, blank_misfit)
                        body.add([[""] * width] * blanks)
                        blanks = 0
                        if len(fields) != width:
                            last = all(_is_blank(rest) for rest in chain(rows[k:], reader))
                            hint = " (truncated last line?)" if last else ""
                            raise ContractError(file_name, f"row {row}: {len(fields)} fields where the header has {width}{hint}")
                        body.add([fields])
                    else:
                        blanks += 1
                        if len(fields) != width and not blank_misfit:
                            blank_misfit = f"row {row}: {len(fields)} fields where the header has {width}"
        except UnicodeDecodeError:
            raise _utf8_error(file_name, path) from None
        except csv.Error as exc:
            row = _failing_row(path, max_line_bytes)
            raise ContractError(file_name, f"row {row}: malformed CSV ({exc}); the file may be truncated") from None
        except _LineTooLong:
            row = _failing_row(path, max_line_bytes)
            raise ContractError(file_name, f"{'row 0 (header)' if row == 0 else f'row {row}'}: a line longer than "
                                           f"{max_line_bytes:,} bytes, the limit (CSW_MAX_LINE_BYTES)") from None
        body.flush()
    if sha256 is not None and hashing.sha256.hexdigest() != sha256:
        raise ContractError(file_name, "the file changed while it was being read (still being written?); land it again")
    return body


class _Unusual(Exception):
    """The file is not one the fast parse provably reads as the strict reader does: the strict reader reads it."""


# A line Arrow's CSV parser splits exactly as Python's strict `csv` does: comma-separated fields, each either
# without a quote or wholly quoted (`""` inside for a quote), no CR but the line end's. Python reads a quote
# inside an unquoted field as text; such lines are rare and left to the strict reader.
_FIELD = r'(?:[^",\r]*|"(?:[^"\r]|"")*")'
_PLAIN_LINE = rf"^{_FIELD}(?:,{_FIELD})*\r?$"


class _CheckedSource:
    """The file's bytes as Arrow's CSV reader reads them, hashed (the parse reads exactly the bytes hashed) and
    checked line by line as they pass: `_Unusual` on a NUL byte, a CR that does not end a line, a blank line, a
    line over the cap, or a line with quotes that is not `_PLAIN_LINE`. The first chunk is read ahead (`head`)
    for the header; reads give it again first."""

    def __init__(self, raw: BinaryIO, max_line_bytes: int) -> None:
        self.raw, self.sha256, self.cap, self.tail, self.at_end = raw, hashlib.sha256(), max_line_bytes, b"", False
        self.head = self._next(_READ_BYTES)

    closed = False

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:  # the rest of the file
            return b"".join(iter(lambda: self.read(_READ_BYTES), b""))
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self._next(size)

    def _next(self, size: int) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        if not data:  # the end of the file: its last line, if it has no line end
            last, self.tail, self.at_end = self.tail, b"", True
            if last:
                self._check(last)
            return data
        block = self.tail + data
        end = block.rfind(b"\n") + 1
        self.tail = block[end:]
        if len(self.tail) > self.cap:
            raise _Unusual("a line over the cap")
        if end:
            self._check(block[:end])
        return data

    def _check(self, lines: bytes) -> None:
        """Whole lines (the last one may lack its line end at the end of the file)."""
        if b"\x00" in lines or lines.count(b"\r") != lines.count(b"\r\n"):
            raise _Unusual("a NUL byte or a bare CR")
        if lines.startswith((b"\n", b"\r\n")) or b"\n\n" in lines or b"\n\r\n" in lines:
            raise _Unusual("a blank line")
        ends = np.flatnonzero(np.frombuffer(lines, dtype=np.uint8) == 10)
        longest = max(int(np.diff(ends).max(initial=0)), int(ends[0]) + 1 if len(ends) else 0,
                      len(lines) - (int(ends[-1]) + 1 if len(ends) else 0))
        if longest > self.cap:
            raise _Unusual("a line over the cap")
        if b'"' in lines:
            split = pc.list_flatten(pc.split_pattern(pa.array([lines], pa.binary()), b"\n"))
            if not pc.all(pc.match_substring_regex(split, _PLAIN_LINE)).as_py():
                raise _Unusual("quotes the fast parse may read otherwise")


@cache
def _blank_pattern() -> str:
    """A value `str.strip` empties: every character `str.isspace`, what the strict reader's blank-row test strips
    (found once, when first needed: 70 ms over all of Unicode, too much for every import)."""
    return "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace()) + "]*$"


def _blank(values: pa.Array) -> pa.Array:
    return pc.match_substring_regex(values, _blank_pattern())


def _read_body_fast(file_name: str, path: Path, contract: TableContract, max_columns: int, max_line_bytes: int,
                    sha256: str | None) -> _Columns:
    """`_read_body_strict`'s columns, read by Arrow's streaming CSV reader (all text, no nulls), from a file with
    nothing the two could read differently (`_CheckedSource`, and no blank row, no value under a blank header);
    else an exception, and the strict reader reads it. The header is parsed by Python's `csv`, as there."""
    with open_landed(path, file_name) as raw:
        source = _CheckedSource(raw, max_line_bytes)
        first = source.head.find(b"\n")
        if first < 0:
            raise _Unusual("no line end in the first chunk")
        header = next(csv.reader([source.head[: first + 1].decode("utf-8-sig")], strict=True))
        if _is_blank(header):
            raise _Unusual("a blank header")
        names = _check_header(file_name, header, contract, max_columns)
        if len(names) > _FAST_COLUMNS:
            raise _Unusual("too wide for a per-column check to pay")
        keys = [f"c{i}" for i in range(len(names))]  # Arrow's names: the header's may be blank or repeated
        reader = pa_csv.open_csv(
            source,
            read_options=pa_csv.ReadOptions(column_names=keys, skip_rows=1, block_size=_READ_BYTES,
                                            use_threads=False),  # most files are one block: threads do not pay
            parse_options=pa_csv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                              newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={key: pa.string() for key in keys}, null_values=[],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        body = _Columns(file_name, names)
        for batch in reader:
            columns = batch.columns
            blank_row = _blank(columns[0])
            for column in columns[1:]:
                if not pc.any(blank_row).as_py():
                    break
                blank_row = pc.and_(blank_row, _blank(column))
            if pc.any(blank_row).as_py():
                raise _Unusual("a blank row")
            for name, column in zip(names, columns):
                if name:
                    body.arrays[name].append(column)
                elif pc.any(pc.invert(_blank(column))).as_py():
                    raise _Unusual("a value under a blank header")
            body.rows += batch.num_rows
        if not source.at_end:
            raise _Unusual("the file was not read to its end")
    if sha256 is not None and source.sha256.hexdigest() != sha256:
        raise _Unusual("the file changed while it was being read")
    return body


def _values(file_name: str, body: _Columns) -> dict[str, pd.Series]:
    """Each named column stripped, blank → null; a NUL byte anywhere is refused."""
    out: dict[str, pd.Series] = {}
    for name in list(body.arrays):
        values = pc.utf8_trim_whitespace(pa.chunked_array(body.arrays.pop(name), type=pa.string()))  # frees as read
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        nul = pc.match_substring(values, "\x00")
        if pc.any(nul).as_py():
            raise ContractError(file_name, f"row {_first_true(nul) + 1}, column {name}: NUL byte (\\x00) in the value")
        out[name] = values.to_pandas()
    return out


def _first_true(mask: pa.ChunkedArray) -> int:
    return int(pc.index(mask, True).as_py())


def _first_bad(file_name: str, mask: pd.Series, column: str, values: pd.Series, what: str) -> None:
    if mask.any():
        idx = int(mask.to_numpy().nonzero()[0][0])
        raise ContractError(file_name, f"row {idx + 1}, column {column}: {what} {values.iloc[idx]!r}")


def _days(texts: pd.Series) -> pd.Series:
    """Each text as a datetime (its day part: `YYYY-MM-DD` or `DD/MM/YYYY`), NaT where it is neither."""
    day = texts.str.replace(r"(?s)[ T].*", "", regex=True)
    iso = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    rest = iso.isna() & day.notna()
    if not rest.any():  # every day ISO (or blank): nothing for the UK format to fill
        return iso
    return iso.fillna(pd.to_datetime(day[rest], format="%d/%m/%Y", errors="coerce"))


def _each_distinct(file_name: str, column: str, values: pd.Series, parse, what: str,
                   dtype: str | None = None) -> pd.Series:
    """`parse` (a Series of texts → a Series, missing where a text does not parse) applied once to each distinct
    text of `values` (a column repeats its values), the first row whose text does not parse refused (`what`), then
    the values laid back by row (in `dtype`), blank → missing."""
    codes, distinct = pd.factorize(values)  # blank → code -1
    parsed = parse(pd.Series(distinct, dtype=values.dtype))
    unparsed = parsed.isna().to_numpy()
    if unparsed.any():
        _first_bad(file_name, pd.Series(unparsed[codes] & (codes >= 0)), column, values, what)
    return pd.Series(pd.array(parsed, dtype=dtype).take(codes, allow_fill=True), index=values.index)


def parse_dates(file_name: str, column: str, values: pd.Series) -> pd.Series:
    """`YYYY-MM-DD` or `DD/MM/YYYY`, optionally followed by a time part; blank → NaT. Each day at midnight, as
    numpy's datetime64 (the warehouse's `date` column takes its day): DuckDB reads such a column at memory speed,
    a column of Python `date` objects one object at a time (five times the whole insert's cost). Each distinct
    text is parsed once (`_each_distinct`)."""
    return _each_distinct(file_name, column, values, _days, "unparseable date")


def _parse_numbers(file_name: str, column: Column, values: pd.Series) -> pd.Series:
    """Whole numbers (`int`, as Int64) or decimals (thousands commas dropped, as float64); blank → missing. Each
    distinct text is parsed once (`_each_distinct`: pandas parses text one Python string at a time, and a column
    of counts repeats its values)."""
    def parse(texts: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(texts.str.replace(",", "", regex=False) if column.type == "decimal" else texts,
                                errors="coerce")
        if column.type == "int":
            numbers = numbers.where(~(numbers.notna() & (numbers % 1 != 0)))  # non-integral: not a whole number
        return numbers

    whole = column.type == "int"
    return _each_distinct(file_name, column.name, values, parse, "not a whole number" if whole else "not a number",
                          "Int64" if whole else "float64")


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
        if not values.str.contains(".", regex=False).any():  # the usual id: no '.', nothing to search for
            return values
        return values.str.replace(_INT_SUFFIX, r"\1", regex=True)  # Excel turns 123 into 123.0
    return values


def read_header(path: Path, file_name: str, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> list[str]:
    """The header row of a file (a feed recognised by its header reads it first), with the reasons `read_table`
    gives for a file that has none, is not UTF-8, or is not CSV."""
    with io.TextIOWrapper(open_landed(path, file_name), encoding="utf-8-sig", newline="") as text:
        try:
            header = next(csv.reader(_bounded_lines(text, max_line_bytes), strict=True), None)
        except UnicodeDecodeError:
            raise _utf8_error(file_name, path) from None
        except csv.Error as exc:
            raise ContractError(file_name, f"row 0 (header): malformed CSV ({exc})") from None
        except _LineTooLong:
            raise ContractError(file_name, f"row 0 (header): a line longer than {max_line_bytes:,} bytes, the limit "
                                           "(CSW_MAX_LINE_BYTES)") from None
    if header is None or _is_blank(header):
        raise ContractError(file_name, "empty file (no header row)")
    return header


def _check_codes(file_name: str, column: Column, values: pd.Series) -> None:
    """A contract that refuses unknown codes (statutory files): the first value outside the list, with its row."""
    allowed = set(column.codes or ())
    _first_bad(file_name, values.notna() & ~values.str.upper().isin(allowed), column.name, values,
               "unknown code (not in the year's list):")


def read_table(
    path: Path, contract: TableContract, *, max_columns: int = DEFAULT_MAX_COLUMNS,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, sha256: str | None = None, file_name: str | None = None,
) -> pd.DataFrame:
    """Read and check one file. Returns the contract's columns typed, extra columns as text, `_row_number`.

    The file is streamed (never held whole): a header over `max_columns` or a line over `max_line_bytes` is
    refused as soon as it is met. With `sha256`, the bytes parsed must be the bytes hashed before. `file_name`
    is the file as reasons name it (its name by default; a 903 file with its year folder).
    """
    file_name = file_name or path.name
    body = _read_body(file_name, path, contract, max_columns, max_line_bytes, sha256)
    if not body.rows and contract.rows_required:
        raise ContractError(file_name, "header only: this file must contain rows")
    read = _values(file_name, body)  # each column a Series over rows 0…n-1 (a frame of them cost more than it gave)
    out: dict[str, pd.Series] = {}
    for column in contract.columns:
        if column.name not in read:
            out[column.name] = pd.Series([None] * body.rows, dtype="object")
            continue
        values = read[column.name]
        if not column.nullable:
            blank = values.isna()
            if blank.any():
                idx = int(blank.to_numpy().nonzero()[0][0])
                raise ContractError(file_name, f"row {idx + 1}, column {column.name}: required value is blank")
        if contract.codes_refused and column.codes:
            _check_codes(file_name, column, values)
        out[column.name] = _convert(file_name, column, values)
    for name, value in contract.fixed_values:
        out[name] = pd.Series([value] * body.rows, dtype="object")
    for extra in (n for n in read if n not in out):  # kept in raw, ignored later
        out[extra] = read[extra]
    out["_row_number"] = pd.Series(np.arange(1, body.rows + 1))  # in the frame as it is made: a column added after
    typed = pd.DataFrame(out, index=pd.RangeIndex(body.rows))  # copies the frame's columns
    _check_key(file_name, typed, contract)
    return typed


def _keys_are_unique(keys: pa.Table) -> bool:
    """No two rows share a key, found by sorting (a few bytes a row) rather than hashing (about 200 bytes a row).

    A key with a blank part is left to pandas' check, which treats blanks as equal."""
    if len(keys) < 2 or any(column.null_count for column in keys.columns):
        return len(keys) < 2
    ordered = keys.take(pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names]))
    same = None
    for column in ordered.columns:
        equal = pc.equal(column[1:], column[:-1])
        same = equal if same is None else pc.and_(same, equal)
    return not pc.any(same).as_py()


def _as_text(value: object) -> str:
    """A value as a reason shows it: a date (`parse_dates`' midnight) as its day."""
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _check_key(file_name: str, frame: pd.DataFrame, contract: TableContract) -> None:
    key = list(contract.key)
    if _keys_are_unique(pa.Table.from_pandas(frame[key], preserve_index=False)):  # the usual case, checked cheaply
        return
    dup = frame.duplicated(subset=key, keep=False)
    if dup.any():
        rows = (dup.to_numpy().nonzero()[0][:2] + 1).tolist()
        first = frame.iloc[rows[0] - 1]
        shown = ", ".join(f"{k}={_as_text(first[k])}" for k in key)
        raise ContractError(file_name, f"rows {rows[0]} and {rows[1]}, column {'+'.join(key)}: duplicate key {shown}")
