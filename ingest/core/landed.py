"""A landed file before the warehouse is asked anything: its contract, size, SHA-256 and checked rows (`prepare`),
made in the loader's process or, for a load of many files, in a reader process a few files ahead of it
(`ReadAhead`), so the next files are read and typed while the loader writes the one before (docs/performance.md,
"Reading ahead"). Files only: nothing here opens the warehouse, so what a file gives does not depend on where it
was read.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import re
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from foundation.settings import Settings
from ingest.annex_a.schema import FEED as WORKBOOK_FEED
from ingest.contracts import FEEDS
from ingest.core.contract import TableContract
from ingest.core.read import LINK_REASON, ContractError, file_sha256, read_header, read_table, shown

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
LARGE_FILE_BYTES = 32 * 1024**2  # a file this big is read by the loader itself, reporting each phase as it goes
# An extra column keeps its own name only when it is a plain lower-case SQL name that fits Postgres (63 bytes).
_PLAIN_COLUMN = re.compile(r"[a-z][a-z0-9_]{0,62}")
# A load of at least this many files reads ahead in a reader process (starting one costs about a second).
READ_AHEAD_MIN_FILES = 64
# How far ahead: at most this many files, and files of at most this many bytes (each is held in memory, as rows,
# until the loader writes it). Three authorities' load waited for the reader 1.8 s in all two files ahead, 0.9 s
# eight ahead.
READ_AHEAD_FILES = 8
READ_AHEAD_BYTES = 64 * 1024**2

Frames = list[tuple[TableContract, pd.DataFrame, str]]


@dataclass(frozen=True)
class ReadLimits:
    """The caps a landed file is read under (CSW_MAX_FILE_BYTES, CSW_MAX_COLUMNS, CSW_MAX_LINE_BYTES): what a
    reader process needs of the settings, and nothing else (no secret leaves the loader)."""

    max_file_bytes: int
    max_columns: int
    max_line_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> "ReadLimits":
        return cls(settings.max_file_bytes, settings.max_columns, settings.max_line_bytes)


def safe_column_name(name: str) -> str:
    """The raw column an extra header name is kept under: the name itself when plain (a lower-case letter, then
    letters, digits and `_`, up to 63 characters), else `extra_<its letters and digits>_<hash>`: the same name
    for the same header every time, and never SQL (a quote, `;`, a NUL, a 10,000-character name)."""
    if _PLAIN_COLUMN.fullmatch(name):
        return name
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40].rstrip("_")
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"extra_{slug}_{digest}" if slug else f"extra_{digest}"


def rename_extra_columns(frame: pd.DataFrame, contract: TableContract) -> tuple[pd.DataFrame, str]:
    """The frame with every extra column under its `safe_column_name`, and a note of each one renamed."""
    known = set(contract.column_names) | {"_row_number"}
    renamed = {c: safe_column_name(c) for c in frame.columns if c not in known and safe_column_name(c) != c}
    notes = [f"extra column '{shown(old, 60)}' kept as {new}" for old, new in renamed.items()]
    return frame.rename(columns=renamed), "; ".join(notes)


def checked_contract(path: Path, feed: str, limits: ReadLimits, name: str,
                     contract: TableContract | None) -> tuple[TableContract, int]:
    """The contract a landed file loads under (`contract`: the one its name gives, if any) and its size in bytes;
    a ContractError for a link, an unsafe name, no contract, or a file over CSW_MAX_FILE_BYTES."""
    if path.is_symlink():
        raise ContractError(name, LINK_REASON)
    if path.name.startswith("."):
        raise ContractError(name, "unsafe file name: a name starting with '.' is hidden or looks like a path "
                                  "(rename the file to its contract name)")
    if not SAFE_NAME.match(path.name):
        raise ContractError(name, "unsafe file name (only letters, digits, '_', '-' and '.' are accepted)")
    feed_contract = FEEDS[feed]
    if contract is None and feed_contract.table_for_header is None:
        raise ContractError(name, f"no {feed} contract matches this file name")
    size = path.lstat().st_size
    if size > limits.max_file_bytes:
        raise ContractError(name, f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
                                  "(CSW_MAX_FILE_BYTES)")
    if contract is None:  # a feed recognised by its header row (statutory files)
        contract = feed_contract.table_for_header(path, read_header(path, name, limits.max_line_bytes), name)
    return contract, size


def contract_by_name(path: Path, feed: str) -> TableContract | None:
    """The contract a file's name gives (a feed in year folders, or an unsafe name, gives none)."""
    feed_contract = FEEDS[feed]
    by_name = SAFE_NAME.match(path.name) and not feed_contract.in_subfolders
    return feed_contract.table_for(path.name) if by_name else None


def read_file(path: Path, name: str, feed: str, contract: TableContract, limits: ReadLimits,
              sha: str, la_code: str) -> Frames:
    """The checked rows of one landed file: (table, rows, note of extra columns renamed) for each table it fills.
    A CSV fills its one contract; a document feed's file (the CIN census XML, whose own authority code must be
    `la_code`'s, the folder it arrived in) fills each of the feed's tables."""
    read_document = FEEDS[feed].read_document
    if read_document is not None:
        return [(FEEDS[feed].table(table), frame, "")
                for table, frame in read_document(path, name, sha, la_code).items()]
    frame = read_table(path, contract, max_columns=limits.max_columns, max_line_bytes=limits.max_line_bytes,
                       sha256=sha, file_name=name)
    return [(contract, *rename_extra_columns(frame, contract))]


def label(path: Path, feed: str) -> str:
    """A landed file as reasons and raw._loads name it: its name, with its year folder for a feed in folders."""
    if FEEDS[feed].in_subfolders and path.parent.parent.name == feed:
        return f"{path.parent.name}/{path.name}"
    return path.name


def failure_reason(name: str, exc: BaseException) -> str:
    """The one-line reason of a file that failed with an error other than a broken contract."""
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    detail = f"{type(exc).__name__}: {shown(first, 300)}" if first else type(exc).__name__
    return f"{name}: could not be loaded ({detail}); nothing of it was written"


def _reason(name: str, exc: Exception) -> str:
    return str(exc) if isinstance(exc, ContractError) else failure_reason(name, exc)


@dataclass
class Prepared:
    """What a landed file gives before the warehouse is asked anything, in the order the loader needs it: its
    contract and size, its SHA-256, then its checked rows (`frames`; None when not read yet: a workbook, a large
    file, a file whose bytes were loaded before). A failure is the one-line reason of the step that failed;
    `read_failed` says it was the reading of the rows, which the loader reports only once it knows the bytes
    are not a duplicate (as when it reads the file itself)."""

    contract: TableContract | None = None
    size: int | None = None
    sha: str | None = None
    frames: Frames | None = None
    failure: str = ""
    read_failed: bool = False
    # `identity` of the path while a reader prepared it (None: it changed meanwhile, or it was prepared in turn)
    identity: tuple[int, ...] | None = None

    def still_current(self, path: Path) -> bool:
        """Whether the path is still the file this was prepared from (a reader prepares a file several files
        before the loader takes it: a file replaced, removed, swapped for a link or still being written since
        is prepared again, in turn)."""
        return self.identity is not None and self.identity == identity(path)


def identity(path: Path) -> tuple[int, ...] | None:
    """What changes when a path's file is replaced, removed, swapped for a link or written to: its device, inode,
    size and modification and change times (of the link itself, never followed); None when there is nothing."""
    try:
        st = path.lstat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def prepare(path: Path, feed: str, limits: ReadLimits, la_code: str, *, read: bool = False,
            loaded: frozenset[tuple[str, str]] = frozenset()) -> Prepared:
    """A landed file's contract, size and SHA-256 (streamed, never through a link), and with `read` its checked
    rows too: not a workbook's, nor a file of LARGE_FILE_BYTES or more, nor one whose bytes the authority loaded
    before (`loaded`: (la_code, sha256) pairs; sent again, it is a duplicate). Never raises: a failure is the
    reason."""
    name = shown(label(path, feed))
    prepared = Prepared(contract=contract_by_name(path, feed))
    before = identity(path) if read else None  # a reader's file is taken later: checked then (`still_current`)
    try:
        prepared.contract, prepared.size = checked_contract(path, feed, limits, name, prepared.contract)
        prepared.sha, prepared.size = file_sha256(path, name)  # the parse checks it reads these bytes
    except Exception as exc:  # noqa: BLE001 - refused with this reason by the loader
        prepared.failure = _reason(name, exc)
    else:
        if read and prepared.contract.feed != WORKBOOK_FEED and prepared.size < LARGE_FILE_BYTES \
                and (la_code, prepared.sha) not in loaded:
            try:
                prepared.frames = read_file(path, name, feed, prepared.contract, limits, prepared.sha, la_code)
            except Exception as exc:  # noqa: BLE001
                prepared.failure, prepared.read_failed = _reason(name, exc), True
    if read:
        after = identity(path)
        prepared.identity = after if after == before else None
    return prepared


_LOADED: frozenset[tuple[str, str]] = frozenset()  # in a reader process: (la_code, sha256) loaded before the load


def _start_reader(loaded: frozenset[tuple[str, str]]) -> None:
    """A reader process's start: the files loaded before, and a watch on the loader, so a loader killed outright
    (SIGKILL, the OOM killer) leaves no reader waiting for work that will never come."""
    global _LOADED
    _LOADED = loaded
    loader = multiprocessing.parent_process()
    if loader is not None:
        threading.Thread(target=_exit_with, args=(loader.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])  # ready when the loader's process has ended
    os._exit(0)


def _started() -> bool:
    """Asked of a reader first: done once it has started and imported the loader's reading code."""
    return True


def _prepare_ahead(path: Path, feed: str, limits: ReadLimits, la_code: str) -> Prepared:
    """`prepare` with the rows, in a reader process."""
    return prepare(path, feed, limits, la_code, read=True, loaded=_LOADED)


def _size(path: Path) -> int:
    """A file's size as listed (a link's own; 0 when it is gone: its reader says why)."""
    try:
        return path.lstat().st_size
    except OSError:
        return 0


class ReadAhead:
    """The files of a load, each prepared (`prepare`, rows read) in a reader process up to READ_AHEAD_FILES ahead
    of the one the loader is writing, while it writes: on two cores the reading and typing (about a third of a
    load) runs beside DuckDB's writes. Only for a load of READ_AHEAD_MIN_FILES files or more on a machine with
    two processors or more. If the reader cannot start or fails, every file left is prepared by the loader
    itself, as without it: what loads, and every reason, is the same either way
    (tests/ingest/test_read_ahead.py)."""

    def __init__(self, files: list[tuple[Path, str, str]], limits: ReadLimits,
                 loaded: Callable[[], frozenset[tuple[str, str]]]) -> None:
        """`files`: (path, feed, la_code) in the order the loader takes them; `loaded`: the (la_code, sha256) pairs
        loaded before, asked only when a reader starts."""
        self.files, self.limits = files, limits
        self.futures: dict[int, Future[Prepared]] = {}
        self.sizes: dict[int, int] = {}  # bytes of each file submitted and not yet taken
        self.pool: ProcessPoolExecutor | None = None
        self.started: Future[bool] | None = None
        if len(files) >= READ_AHEAD_MIN_FILES and len(os.sched_getaffinity(0)) >= 2:
            try:  # forkserver: a clean process, never a fork of one holding DuckDB's threads
                context = multiprocessing.get_context("forkserver")
                self.pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_reader,
                                                initargs=(loaded(),))
                self.started = self.pool.submit(_started)
            except Exception as exc:  # noqa: BLE001 - e.g. inside a daemonic worker process: read in turn
                print(f"csw: reading ahead is off ({type(exc).__name__}: {exc}); files are read one by one",
                      file=sys.stderr)
                self.close()  # no reader: `reading` says so

    def __enter__(self) -> "ReadAhead":
        return self

    @property
    def reading(self) -> bool:
        """Whether a reader process runs (or is starting) beside the loader, a processor it keeps busy: as the load
        starts (a reader that fails later leaves the loader to read the rest itself, only slower)."""
        return self.pool is not None

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self.futures.clear()  # files read ahead and not taken: their rows freed
        self.sizes.clear()

    def get(self, index: int) -> Prepared | None:
        """File `index` of `files` prepared by the reader (the next ones submitted first), or None: no reader, or
        one still starting (about a second): the loader prepares the file itself meanwhile."""
        if self.pool is None or self.started is None or not self.started.done():
            return None
        try:
            for ahead in range(index, min(index + READ_AHEAD_FILES + 1, len(self.files))):
                if ahead in self.futures:
                    continue
                path, feed, la_code = self.files[ahead]
                size = _size(path)
                if ahead > index and sum(self.sizes.values()) + size > READ_AHEAD_BYTES:
                    break
                self.futures[ahead] = self.pool.submit(_prepare_ahead, path, feed, self.limits, la_code)
                self.sizes[ahead] = size
            self.sizes.pop(index, None)
            return self.futures.pop(index).result()
        except Exception as exc:  # noqa: BLE001 - a broken reader: the loader reads the rest itself
            print(f"csw: the reader process failed ({type(exc).__name__}: {shown(str(exc), 200)}); the files left "
                  "are read one by one", file=sys.stderr)
            self.close()
            return None
