"""Landing folder → `raw` tables: idempotent (SHA-256 dedupe), transactional, with an audit row per file.

Semantics per contract:
- snapshot (case_system): a new batch is appended; the newest batch of a table is the current snapshot,
  earlier batches stay for audit (staging reads the newest through the `current_rows` macro).
- replace (reference): the new batch replaces every earlier row.
- incremental (health, education, partners): batches are appended; staging keeps the newest row per key.
A file that breaks its contract, or fails for any other reason while it is read or written, is moved to
quarantine with a `.reason.txt` beside it, nothing in the warehouse changes, and the next file loads.

Hostile input: a column name from a file is never pasted into SQL. A contract column is the contract's own
name; an extra column is kept under its own name only when plain (`safe_column_name`), else under a
generated `extra_…` name; every identifier is quoted by the engine (`foundation.warehouse.quote_identifier`) and
every value is bound or bulk-copied. Symbolic links (a file, or a whole feed folder) are quarantined as
links, never followed or read.
A snapshot much smaller than the table's previous one loads with a warning in `raw._loads.warning`.
A landing folder may hold one folder per authority (`<landing>/<la_code>/<feed>/…`, a regional hub:
docs/regional-hub.md); feed folders directly under it are CSW_LA_CODE's (the single-authority layout). Every
raw row carries its authority in `_la_code`, every `raw._loads` row in `la_code`; each authority's ids are keyed
with its own secret (`Settings.secret_for`). A folder named like an authority whose code the reference data does
not know is quarantined unread.
The same code runs on DuckDB and Postgres (`foundation.warehouse`): frames are written by `write_frame` (COPY on
Postgres) and each file is one `transaction`.
What a file gives before the warehouse is asked anything (its contract, hash and checked rows) is `landed.prepare`;
a load of many files has them prepared by a reader process a few files ahead (`landed.ReadAhead`), the files still
written one by one, in order, each after its duplicate check.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import pandas as pd

from foundation.settings import SecretRefused, Settings
from foundation.warehouse import (Connection, bulk_writes, first_row, is_postgres, one_at_a_time, quote_identifier,
                                  threads_beside, transaction, write_frame)
from ingest.annex_a.schema import FEED as WORKBOOK_FEED
from ingest.annex_a.workbook import read_workbook
from ingest.contracts import FEEDS
from ingest.contracts import all_tables
from ingest.core import calendar, pseudonymise
from ingest.core.pseudonymise import KnownKeys
from ingest.core.contract import TableContract
from ingest.core.landed import (LARGE_FILE_BYTES, SAFE_NAME, Prepared, ReadAhead, ReadLimits, failure_reason, label,
                                prepare, read_file, rename_extra_columns)
from ingest.core.read import ContractError, landed_files, read_table, shown

LOADS_TABLE = "raw._loads"
# Each loaded file's batch id: a sequence, so loads running at once (Postgres, per authority) never share one.
BATCH_IDS = "raw._batch_ids"
_LOADS_DDL = f"""
create table if not exists {LOADS_TABLE} (
    batch_id bigint,
    feed varchar,
    table_name varchar,
    file_name varchar,
    sha256 varchar,
    byte_size bigint,
    row_count bigint,
    extract_date date,
    loaded_at timestamp,
    outcome varchar,
    reason varchar,
    warning varchar,
    la_code varchar
)
"""
_META_COLUMNS = {"_source_file": "varchar", "_row_number": "bigint", "_loaded_at": "timestamp", "_batch_id": "bigint",
                 "_la_code": "varchar"}  # the authority the file came from (docs/regional-hub.md)
AUTHORITY_FOLDER = re.compile(r"\d{3}")  # `<landing>/<la_code>/`: a 3-digit DfE authority code
_DATE_IN_NAME = re.compile(r"_(\d{8})\.csv$", re.IGNORECASE)
# A snapshot (or replacing file) with fewer rows than this share of the table's previous file warns.
SNAPSHOT_SHRINK_WARNING = 0.5


class _Phases:
    """Progress inside one large file: a line per phase with its row count and elapsed seconds."""

    def __init__(self, label: str, size: int, progress: Callable[[str], None] | None) -> None:
        self.label, self.started = label, time.monotonic()
        self.progress = progress if progress and size >= LARGE_FILE_BYTES else None
        self.say(f"reading {size / 1024**2:,.0f} MB")

    def say(self, what: str) -> None:
        if self.progress:
            self.progress(f"  {self.label}: {what} ({time.monotonic() - self.started:,.1f} s)")


@dataclass
class FileOutcome:
    feed: str
    file_name: str
    outcome: str  # loaded | duplicate | quarantined
    rows: int = 0
    table: str | None = None
    reason: str = ""
    warning: str = ""  # a loaded file someone should look at (as in raw._loads.warning)
    tables: dict[str, int] = field(default_factory=dict)  # rows per raw table of a file that fills several
    authority: str = ""  # the authority folder it came from (`<landing>/<la_code>/`); "" in the one-authority layout

    def rows_by_table(self) -> dict[str, int]:
        """Rows loaded into each raw table (an Annex A workbook fills one per list)."""
        if self.outcome != "loaded":
            return {}
        return dict(self.tables) if self.tables else ({self.table: self.rows} if self.table else {})

    def line(self) -> str:
        """The one progress line of this file."""
        detail = f"{self.rows:,} rows" if self.outcome == "loaded" else self.reason
        if self.warning:
            detail += f"; warning: {self.warning}"
        where = "/".join(part for part in (self.authority, self.feed, self.file_name) if part)
        return f"{self.outcome:<11} {where}: {detail}"


@dataclass
class LoadReport:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows for f in self.files if f.outcome == "loaded")

    @property
    def quarantined(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == "quarantined"]


def extract_date_of(path: Path, as_of: date | None) -> date:
    """The date in the file name, else the run's as-of date, else the file's modification date."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d").date()
    if as_of is not None:
        return as_of
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).date()


def _raw_table(con: Connection, contract: TableContract) -> str:
    return f"raw.{quote_identifier(con, contract.raw_table)}"


def _create_table(con: Connection, contract: TableContract) -> None:
    columns = [(c.name, c.sql_type) for c in contract.columns] + list(_META_COLUMNS.items())
    cols = ", ".join(f"{quote_identifier(con, name)} {sql_type}" for name, sql_type in columns)
    con.execute(f"create table if not exists {_raw_table(con, contract)} ({cols})")


def ensure_loads_table(con: Connection) -> None:
    """The audit table `raw._loads` (staging's `current_rows` reads it too), its `warning` column added to
    a warehouse made before it."""
    con.execute(_LOADS_DDL)
    con.execute(f"alter table {LOADS_TABLE} add column if not exists warning varchar")


def _add_authority_columns(con: Connection, la_code: str) -> None:
    """A warehouse made before authority folders: `_la_code` on each raw table and `la_code` on `raw._loads`,
    filled with the one authority it held (CSW_LA_CODE). Only tables without the column are touched."""
    have = set(con.execute("select table_name, column_name from information_schema.columns "
                           "where table_schema = 'raw'").fetchall())
    tables = {table for table, _ in have}
    wanted = [(c.raw_table, "_la_code") for c in all_tables()] + [(LOADS_TABLE.split(".")[1], "la_code")]
    missing = [(table, column) for table, column in wanted if table in tables and (table, column) not in have]
    if not missing:
        return
    with transaction(con):
        for table, column in missing:
            name = f"raw.{quote_identifier(con, table)}"
            con.execute(f"alter table {name} add column {quote_identifier(con, column)} varchar")
            con.execute(f"update {name} set {quote_identifier(con, column)} = $1", [la_code])


def ensure_raw_layer(con: Connection, la_code: str) -> None:
    """Audit, key and calendar tables, the batch id sequence, and an (empty) raw table per contract, so staging
    always compiles; the authority columns added to an older warehouse's tables (`la_code`: the authority it
    held). On Postgres one session at a time: loads that start together (one per authority) would otherwise
    race to create the same table or fill the calendar twice."""
    with one_at_a_time(con, "csw.raw layer"):
        con.execute("create schema if not exists raw")
        _add_authority_columns(con, la_code)
        ensure_loads_table(con)
        _ensure_batch_ids(con)
        pseudonymise.ensure_table(con)
        for contract in all_tables():
            _create_table(con, contract)
        calendar.refresh(con)


def _ensure_batch_ids(con: Connection) -> None:
    """The batch id sequence, starting after the highest batch id of a warehouse made before it (whose ids were
    the highest one plus one, safe only with one writer)."""
    start = int(con.execute(f"select coalesce(max(batch_id), 0) + 1 from {LOADS_TABLE}").fetchall()[0][0])
    con.execute(f"create sequence if not exists {BATCH_IDS} start with {start}")  # an int: nothing from outside


class LoadedFile(NamedTuple):
    """A file's `raw._loads` row of one table, as `LoadedFiles.newest` gives it."""

    file_name: str
    sha256: str
    rows: int


class LoadedFiles:
    """What a load asks `raw._loads` of each file: which file these bytes were loaded from before (`earlier`), and
    which file is a table's newest for an authority (`newest`). This one asks `raw._loads` each question: on
    Postgres other loads commit meanwhile (and so for `load_file` called alone). A load of many files on DuckDB,
    the file's one writer, takes `HeldLoadedFiles` from `of` instead: it reads the loaded rows once as it starts."""

    def __init__(self, con: Connection) -> None:
        self._con = con

    @classmethod
    def of(cls, con: Connection, la_codes: list[str]) -> LoadedFiles:
        """The files loaded for the authorities `la_codes` (those a load takes): read once on DuckDB, asked on
        Postgres."""
        if is_postgres(con):
            return cls(con)
        return HeldLoadedFiles(con, con.execute(
            f"select la_code, sha256, file_name, table_name, row_count from {LOADS_TABLE} where outcome = 'loaded' "
            "and la_code in (select unnest(cast($1 as varchar[]))) order by batch_id", [la_codes]).fetchall())

    def earlier(self, la_code: str, sha: str) -> str | None:
        """A file of the authority loaded before with these bytes."""
        row = first_row(self._con, f"select file_name from {LOADS_TABLE} where sha256 = $1 and outcome = 'loaded' "
                                   "and la_code = $2 order by batch_id limit 1", [sha, la_code])
        return row[0] if row else None

    def newest(self, table: str, la_code: str) -> LoadedFile | None:
        """The authority's newest file loaded into `table`."""
        row = first_row(self._con, f"select file_name, sha256, row_count from {LOADS_TABLE} where table_name = $1 "
                                   "and outcome = 'loaded' and la_code = $2 order by batch_id desc limit 1",
                        [table, la_code])
        return LoadedFile(*row) if row else None

    def pairs(self) -> frozenset[tuple[str, str]]:
        """(la_code, sha256) of the files loaded so far: bytes the reader ahead need not read (duplicates)."""
        rows = self._con.execute(f"select distinct la_code, sha256 from {LOADS_TABLE} "
                                 "where outcome = 'loaded'").fetchall()
        return frozenset((la_code, sha) for la_code, sha in rows)

    def add(self, la_code: str, sha: str, file_name: str, table: str, row_count: int) -> None:
        """A file's `raw._loads` row of `table` (outcome loaded), written in the file's transaction: asked of
        `raw._loads`, it is known once that commits."""

    def commit(self) -> None:
        """The file's transaction committed: its rows are loaded files from now on."""

    def discard(self) -> None:
        """The file's transaction rolled back: its rows never were."""


class HeldLoadedFiles(LoadedFiles):
    """The loaded files of a load's authorities, read once as the load starts (`LoadedFiles.of`, DuckDB), and the
    load's own files learnt as each commits (`add`, held apart until the file's transaction commits, as
    `KnownKeys`): a query a file saved, two for a snapshot or replacing file (docs/performance.md)."""

    def __init__(self, con: Connection, rows: list[tuple]) -> None:
        super().__init__(con)
        self._by_bytes: dict[tuple[str, str], str] = {}  # (la_code, sha256): the first file loaded with them
        self._newest: dict[tuple[str, str], LoadedFile] = {}  # (table, la_code): its newest file
        self._pending: list[tuple] = []
        self._keep(rows)

    def _keep(self, rows: list[tuple]) -> None:
        for la_code, sha, file_name, table, row_count in rows:  # in batch order: the last of a table is its newest
            self._by_bytes.setdefault((la_code, sha), file_name)
            self._newest[(table, la_code)] = LoadedFile(file_name, sha, row_count)

    def earlier(self, la_code: str, sha: str) -> str | None:
        return self._by_bytes.get((la_code, sha))

    def newest(self, table: str, la_code: str) -> LoadedFile | None:
        return self._newest.get((table, la_code))

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Of the load's authorities, committed."""
        return frozenset(self._by_bytes)

    def add(self, la_code: str, sha: str, file_name: str, table: str, row_count: int) -> None:
        self._pending.append((la_code, sha, file_name, table, row_count))

    def commit(self) -> None:
        self._keep(self._pending)
        self._pending = []

    def discard(self) -> None:
        self._pending = []


def _already_loaded(files: LoadedFiles, sha: str, contract: TableContract, file_name: str,
                    la_code: str) -> str | None:
    """The file these bytes were loaded from, when loading them again would change nothing. A table that is its
    newest file (snapshot, replace) is the exception: when its current file was this same name with other bytes,
    bytes loaded before become current again (a cut extract undone by resending yesterday's whole one).
    Each authority's loads are its own: the same bytes from two authorities load twice."""
    earlier = files.earlier(la_code, sha)
    if earlier is None:
        return None
    if contract.semantics in ("snapshot", "replace"):
        current = files.newest(contract.raw_table, la_code)
        if current is not None and current.file_name == file_name and current.sha256 != sha:
            return None
    return earlier


def _next_batch_id(con: Connection) -> int:
    """A batch id no other load has, even one running at the same time (ids grow in the order they are taken)."""
    return int(con.execute(f"select nextval('{BATCH_IDS}')").fetchall()[0][0])


def _existing_columns(con: Connection, table: str) -> list[str]:
    """The raw table's columns in order, read from an empty select (a catalog query costs DuckDB several times more)."""
    cursor = con.execute(f"select * from raw.{quote_identifier(con, table)} limit 0")
    names = [column[0] for column in cursor.description]
    cursor.fetchall()  # the (empty) result consumed: DuckDB refuses new work otherwise
    return names


def _ensure_table(con: Connection, contract: TableContract, columns: list[str], known: KnownKeys) -> None:
    """Create the raw table from the contract, adding any extra column a file brings as text (`columns`: contract
    names, `_META_COLUMNS` or `safe_column_name`s: `landed.rename_extra_columns` ran first). Once a load has seen a
    table with every column a file brings (`known`, under the scope `raw.<table>`), the file asks the warehouse
    nothing: two statements a file saved."""
    scope = f"raw.{contract.raw_table}"
    if not known.unknown(scope, set(columns)):
        return
    _create_table(con, contract)
    existing = _existing_columns(con, contract.raw_table)
    for extra in (c for c in columns if c not in existing):
        # `if not exists`: another authority's load may have added the same column since `existing` was read
        con.execute(f"alter table {_raw_table(con, contract)} add column if not exists "
                    f"{quote_identifier(con, extra)} varchar")
        existing.append(extra)
    known.add(scope, set(existing))


def _write_batch(con: Connection, contract: TableContract, frame: pd.DataFrame, *, source_file: str, batch_id: int,
                 loaded_at: datetime, la_code: str, known: KnownKeys) -> None:
    """A file's rows into its raw table, each with the `_META_COLUMNS` of the file (bound once, not laid in the
    frame row by row)."""
    same = {"_source_file": source_file, "_loaded_at": loaded_at, "_batch_id": batch_id, "_la_code": la_code}
    _ensure_table(con, contract, [*frame.columns, *same], known)
    if contract.semantics == "replace":  # the authority's earlier rows; another authority's stay
        con.execute(f"delete from {_raw_table(con, contract)} where _la_code = $1", [la_code])
    write_frame(con, f"raw.{contract.raw_table}", frame, same=same)


def _record(con: Connection, **row: object) -> None:
    con.execute(
        f"insert into {LOADS_TABLE} (batch_id, feed, table_name, file_name, sha256, byte_size, row_count, "
        "extract_date, loaded_at, outcome, reason, warning, la_code) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        [row["batch_id"], row["feed"], row["table_name"], row["file_name"], row["sha256"], row["byte_size"],
         row["row_count"], row["extract_date"], row["loaded_at"], row["outcome"], row["reason"],
         row.get("warning") or None, row["la_code"]],
    )


def _shrink_warning(files: LoadedFiles, contract: TableContract, rows: int, la_code: str) -> str:
    """A warning when a file that is the whole table (snapshot, replace) has far fewer rows than the authority's
    previous one."""
    if contract.semantics not in ("snapshot", "replace"):
        return ""
    previous = files.newest(contract.raw_table, la_code)
    if previous is None or not previous.rows or rows >= previous.rows * SNAPSHOT_SHRINK_WARNING:
        return ""
    return (f"snapshot has {rows:,} rows, {rows / previous.rows:.0%} of the {previous.rows:,} of the previous file "
            f"({previous.file_name}): check the extract is complete")


def quarantine(path: Path, feed: str, reason: str, settings: Settings, stamp: str, authority: str = "") -> Path:
    """Move a refused file out of the landing folder, with its reason in a text file beside it (a file of an
    authority folder under `<quarantine>/<la_code>/`)."""
    folder = settings.quarantine_dir / authority / feed / stamp
    folder.mkdir(parents=True, exist_ok=True)
    name = path.name if SAFE_NAME.match(path.name) else "unsafe-name.csv"
    target = folder / name
    n = 1
    while os.path.lexists(target):  # never overwrite an earlier refused file (or its reason)
        n += 1
        target = folder / f"{Path(name).stem}.{n}{Path(name).suffix}"
    shutil.move(str(path), target)  # a symbolic link is moved as the link: its target is never touched
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target


@contextmanager
def _keyed_transaction(con: Connection, known: KnownKeys, files: LoadedFiles) -> Iterator[Connection]:
    """One file's `transaction`; the ids it keyed or found keyed, the columns it added or found, and its
    `raw._loads` rows become known to the load only once it commits."""
    try:
        with transaction(con):
            yield con
    except BaseException:
        known.discard()
        files.discard()
        raise
    files.commit()
    known.commit()


class _Refused(Exception):
    """A landed file refused before the warehouse was asked anything (`landed.prepare`): its one-line reason."""


def load_file(
    con: Connection, path: Path, feed: str, settings: Settings, *, as_of: date | None = None,
    progress: Callable[[str], None] | None = None, authority: str = "", known_keys: KnownKeys | None = None,
    prepared: Prepared | None = None, loaded_files: LoadedFiles | None = None,
) -> FileOutcome:
    """Load one landed file in one transaction; quarantine it if it breaks its contract or anything else fails
    while it is read or written (the transaction rolled back: nothing of it stays in the warehouse).
    `authority`: the authority folder (`<landing>/<la_code>/`) it came from; "" for CSW_LA_CODE's feed folders.
    `known_keys`: the ids the load has seen keyed so far, and the raw tables' columns it has seen
    (`pseudonymise.KnownKeys`), shared by its files. `prepared`: the file as a reader process prepared it ahead
    (`landed.ReadAhead`); else it is prepared here, its rows read only once its bytes are known to be new.
    `loaded_files`: the load's `LoadedFiles` (else `raw._loads` is asked).

    A file of LARGE_FILE_BYTES or more reports each phase (read, rows parsed, written, keyed) to `progress`."""
    la_code = authority or settings.la_code
    known = known_keys if known_keys is not None else KnownKeys()
    files = loaded_files if loaded_files is not None else LoadedFiles(con)
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    stamp = loaded_at.strftime("%Y%m%dT%H%M%S")
    name = shown(label(path, feed))  # as every message and raw._loads show it: one line, whatever it is called
    limits = ReadLimits.of(settings)
    file = prepared
    if file is None or not file.still_current(path):  # not read ahead, or changed since: prepared here, in turn
        file = prepare(path, feed, limits, la_code)  # contract, size, SHA-256 (the parse checks these bytes)
    contract, sha, size = file.contract, file.sha, file.size
    try:
        if file.failure and not file.read_failed:
            raise _Refused(file.failure)
        phases = _Phases(f"{feed}/{name}", size, progress)
        earlier = _already_loaded(files, sha, contract, path.name, la_code)
        if earlier is not None:
            return FileOutcome(feed, name, "duplicate", table=contract.raw_table,
                               reason=f"same bytes as {earlier}, already loaded", authority=authority)
        secret = settings.secret_for(la_code)  # SecretRefused (naming the authority) before anything is written
        if contract.feed == WORKBOOK_FEED:
            return _load_workbook(con, path, settings, sha=sha, size=size, as_of=as_of, loaded_at=loaded_at,
                                  authority=authority, known=known, files=files)
        if file.read_failed:
            raise _Refused(file.failure)
        frames = file.frames if file.frames is not None else read_file(path, name, feed, contract, limits, sha, la_code)
        rows = sum(len(frame) for _, frame, _ in frames)
        phases.say(f"{rows:,} rows parsed and checked")
        # any failure, the commit's included, rolls it all back: refused below
        with _keyed_transaction(con, known, files):
            batch_id = _next_batch_id(con)  # a file that fills several tables is one batch in each
            warnings, tables = [], {}
            for table, frame, renamed in frames:
                tables[table.raw_table] = len(frame)
                warning = "; ".join(w for w in (_shrink_warning(files, table, len(frame), la_code), renamed) if w)
                warnings += [warning] if warning else []
                _write_batch(con, table, frame, source_file=name, batch_id=batch_id, loaded_at=loaded_at,
                             la_code=la_code, known=known)
                phases.say(f"{len(frame):,} rows written to raw.{table.raw_table}")
                for column in pseudonymise.person_id_columns(table):
                    pseudonymise.add_keys(con, secret, la_code, frame[column], known=known)
                _record(con, batch_id=batch_id, feed=feed, table_name=table.raw_table, file_name=name,
                        sha256=sha, byte_size=size, row_count=len(frame),
                        extract_date=extract_date_of(path, as_of), loaded_at=loaded_at, outcome="loaded", reason="",
                        warning=warning, la_code=la_code)
                files.add(la_code, sha, name, table.raw_table, len(frame))
            phases.say("child keys added")
        return FileOutcome(feed, name, "loaded", rows=rows, table=contract.raw_table, warning="; ".join(warnings),
                           tables=tables if len(tables) > 1 else {}, authority=authority)
    except SecretRefused:
        raise  # no usable secret for this authority: nothing loads until one is set, so the run stops here
    except Exception as exc:  # anything, not only a broken contract: this file is refused, the next one loads
        reason = str(exc) if isinstance(exc, (ContractError, _Refused)) else failure_reason(name, exc)
        table = contract.raw_table if contract else None
        return _refuse(con, path, feed, settings, stamp, reason, loaded_at=loaded_at, table=table, sha=sha, size=size,
                       authority=authority)


def _load_workbook(con: Connection, path: Path, settings: Settings, *, sha: str, size: int, as_of: date | None,
                   loaded_at: datetime, authority: str, known: KnownKeys, files: LoadedFiles) -> FileOutcome:
    """An Annex A workbook in one transaction: each list it holds into its own raw table (`ingest/annex_a`), one
    `raw._loads` row per list. Rows of the authority's workbook loaded before with the same as-of date are replaced."""
    la_code = authority or settings.la_code
    book = read_workbook(path, as_of=as_of, sha256=sha, authority=la_code)
    rows, warnings, tables = 0, list(book.notes), {}
    with _keyed_transaction(con, known, files):
        for i, (contract, frame) in enumerate(book.frames):
            frame, renamed = rename_extra_columns(frame, contract)
            same = f"from {_raw_table(con, contract)} where as_of_date = $1 and _la_code = $2"
            replaced = int(con.execute(f"select count(*) {same}", [book.as_of, la_code]).fetchall()[0][0])
            con.execute(f"delete {same}", [book.as_of, la_code])
            batch_id = _next_batch_id(con)
            _write_batch(con, contract, frame, source_file=path.name, batch_id=batch_id, loaded_at=loaded_at,
                         la_code=la_code, known=known)
            for column in pseudonymise.person_id_columns(contract):
                pseudonymise.add_keys(con, settings.secret_for(la_code), la_code, frame[column], known=known)
            notes = [renamed] if renamed else []
            if replaced:
                notes.append(f"replaced {replaced:,} rows of an earlier workbook as of {book.as_of}")
            _record(con, batch_id=batch_id, feed=WORKBOOK_FEED, table_name=contract.raw_table, file_name=path.name,
                    sha256=sha, byte_size=size, row_count=len(frame), extract_date=book.as_of, loaded_at=loaded_at,
                    outcome="loaded", reason="", warning="; ".join((book.notes if i == 0 else []) + notes),
                    la_code=la_code)
            files.add(la_code, sha, path.name, contract.raw_table, len(frame))
            rows += len(frame)
            tables[contract.raw_table] = len(frame)
            warnings += notes
    return FileOutcome(WORKBOOK_FEED, path.name, "loaded", rows=rows, warning="; ".join(warnings), tables=tables,
                       authority=authority)


def _refuse(
    con: Connection, path: Path, feed: str, settings: Settings, stamp: str, reason: str, *, loaded_at: datetime,
    table: str | None = None, sha: str | None = None, size: int | None = None, authority: str = "",
) -> FileOutcome:
    """Quarantine a refused entry (a file, a link, a feed or authority folder) and record it in raw._loads; the
    reason of an authority folder's entry starts with the authority."""
    if authority:
        reason = f"authority {authority}: {reason}"
    try:
        quarantine(path, feed, reason, settings, stamp, authority)
    except OSError as exc:  # still refused and recorded; the entry stays in landing and is refused again next time
        reason += f" (left in the landing folder: moving it to quarantine failed: {shown(str(exc), 200)})"
    shown_label = shown(label(path, feed))
    _record(con, batch_id=None, feed=feed, table_name=table, file_name=shown_label,
            sha256=sha, byte_size=size, row_count=None, extract_date=None, loaded_at=loaded_at,
            outcome="quarantined", reason=reason, la_code=authority or settings.la_code)
    return FileOutcome(feed, shown_label, "quarantined", table=table, reason=reason, authority=authority)


def refuse_linked_folder(con: Connection, folder: Path, feed: str, settings: Settings, authority: str = "") -> FileOutcome:
    """Quarantine a feed folder that is a symbolic link, as the link: what it points to is never listed or moved."""
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    reason = f"{feed}: the feed folder is a symbolic link: quarantined without reading what it points to"
    return _refuse(con, folder, feed, settings, loaded_at.strftime("%Y%m%dT%H%M%S"), reason, loaded_at=loaded_at,
                   authority=authority)


def _refuse_authority_folder(con: Connection, folder: Path, reason: str, settings: Settings) -> FileOutcome:
    """Quarantine, unread, a folder named like an authority that cannot be loaded as one (under
    `<quarantine>/authority_folders/`), and record it in raw._loads under the code it is named with."""
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    try:
        quarantine(folder, "authority_folders", reason, settings, loaded_at.strftime("%Y%m%dT%H%M%S"))
    except OSError as exc:
        reason += f" (left in the landing folder: moving it to quarantine failed: {shown(str(exc), 200)})"
    _record(con, batch_id=None, feed=None, table_name=None, file_name=f"{folder.name}/", sha256=None, byte_size=None,
            row_count=None, extract_date=None, loaded_at=loaded_at, outcome="quarantined", reason=reason,
            la_code=folder.name)
    return FileOutcome("", f"{folder.name}/", "quarantined", reason=reason)


def known_authorities(con: Connection, landing: Path, settings: Settings) -> set[str]:
    """The authority codes the reference data knows: CSW_LA_CODE, those loaded in `raw.local_authorities`, and
    those of each `reference/local_authorities.csv` landed (directly under `landing` or in an authority folder:
    the file arrives with the authorities it names). A landed list that breaks its contract adds nothing."""
    known = {settings.la_code}
    known |= {row[0] for row in con.execute(f"select distinct la_code from {_raw_table(con, _AUTHORITY_LIST)}")
              .fetchall() if row[0]}
    for folder in [landing, *authority_candidates(landing)]:
        path = folder / _AUTHORITY_LIST.feed / "local_authorities.csv"
        if folder.is_symlink() or path.is_symlink() or not path.is_file() or \
                path.stat().st_size > settings.max_file_bytes:
            continue
        try:
            frame = read_table(path, _AUTHORITY_LIST, max_columns=settings.max_columns,
                               max_line_bytes=settings.max_line_bytes)
        except Exception:  # noqa: BLE001 - refused with its reason when the reference feed loads it
            continue
        known |= {code for code in frame["la_code"].dropna()}
    return known


_AUTHORITY_LIST = FEEDS["reference"].table("local_authorities")


def authority_candidates(landing: Path) -> list[Path]:
    """The entries of `landing` named like an authority (three digits), in name order (none when it is missing)."""
    if not landing.is_dir():
        return []
    with os.scandir(landing) as entries:
        return sorted(Path(e.path) for e in entries if AUTHORITY_FOLDER.fullmatch(e.name))


def check_secret_before_opening(landing: Path, settings: Settings) -> None:
    """SecretRefused before the warehouse is opened when CSW_LA_CODE's secret is needed and unusable: its feed folders
    stand directly under `landing`, or no authority folder does. (Each authority folder's own secret is checked by
    the load, once the reference data has said which folders are authorities, before any file moves.)"""
    if not authority_candidates(landing) or any(os.path.lexists(landing / feed) for feed in FEEDS):
        settings.secret_for(settings.la_code)  # its own (CSW_PSEUDONYMISATION_SECRET_<la_code>) or the one secret


@dataclass(frozen=True)
class Authorities:
    """What a landing folder holds: (authority, folder) pairs to load ("" = CSW_LA_CODE's feed folders directly
    under it), and the folders named like an authority that are refused, each with its reason."""

    folders: list[tuple[str, Path]]
    refused: list[tuple[Path, str]]

    def keys(self) -> list[str]:
        """One entry per authority a load can be split over (`load_feed(authority=…)`): each refused folder's
        name, then each authority's ("" for CSW_LA_CODE's feed folders directly under the landing)."""
        return [folder.name for folder, _ in self.refused] + [key for key, _ in self.folders]

    def only(self, key: str) -> "Authorities":
        """What a load of the one authority `key` (an entry of `keys`) takes: its folder, or its refusal."""
        return Authorities([(k, folder) for k, folder in self.folders if k == key],
                           [(folder, reason) for folder, reason in self.refused if key and folder.name == key])


def landing_authorities(con: Connection, landing: Path, settings: Settings) -> Authorities:
    """The authorities of `landing`: each `<la_code>/` folder whose code the reference data knows
    (`known_authorities`); CSW_LA_CODE's when feed folders stand directly under it, or nothing else does."""
    candidates = authority_candidates(landing)
    known = known_authorities(con, landing, settings) if candidates else set()
    folders, refused = [], []
    for folder in candidates:
        if folder.is_symlink():
            refused.append((folder, f"{folder.name}/: the authority folder is a symbolic link: quarantined without "
                                    "reading what it points to"))
        elif not folder.is_dir():
            continue  # a file named like a code: not an authority folder, left alone as any stray file is
        elif folder.name not in known:
            refused.append((folder, f"{folder.name}/: not an authority the reference data knows (CSW_LA_CODE, "
                                    "raw.local_authorities, a landed reference/local_authorities.csv): not loaded"))
        else:
            folders.append((folder.name, folder))
    flat = any(os.path.lexists(landing / feed) for feed in FEEDS)
    if flat or not candidates:
        folders.insert(0, ("", landing))
    return Authorities(folders, refused)


def feed_files(landing: Path, feed: str, day: date | None = None) -> list[Path]:
    """The landed files of `feed` a load takes: every one, or with `day` those a run for that day takes (dated
    that day, or undated). A feed folder that is a symbolic link is itself the one entry (quarantined unread)."""
    folder = landing / feed
    if folder.is_symlink():
        return [folder]
    files = landed_files(folder)
    if FEEDS[feed].in_subfolders and folder.is_dir():  # a folder per collection year, in name (year) order
        with os.scandir(folder) as entries:
            years = sorted(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))
        files += [p for year in years for p in landed_files(year)]
    return files if day is None else [p for p in files if extract_date_of(p, as_of=day) == day]


def _load_feeds(con: Connection, landing: Path, feeds: list[str], settings: Settings, *, day: date | None,
                as_of: date | None, progress: Callable[[str], None] | None,
                authority: str | None = None, read_ahead: bool = False) -> LoadReport:
    """The loader loop: for each authority of `landing` (`landing_authorities`; a refused one quarantined), or
    only `authority` (an entry of `Authorities.keys`), each feed's `feed_files`, each in its own transaction (bad
    files quarantined, loaded ones skipped). Every authority's secret is checked before any file moves."""
    ensure_raw_layer(con, settings.la_code)
    report = LoadReport()
    known = KnownKeys()  # ids keyed and table columns, read as the files need them, shared by every file of the load
    authorities = landing_authorities(con, landing, settings)
    if authority is not None:
        authorities = authorities.only(authority)
    for la_code, _ in authorities.folders:
        settings.secret_for(la_code or settings.la_code)  # SecretRefused, naming the authority
    # raw._loads as the files ask it: read once on DuckDB
    loaded = LoadedFiles.of(con, [la_code or settings.la_code for la_code, _ in authorities.folders])
    for folder, reason in authorities.refused:
        _report(report, _refuse_authority_folder(con, folder, reason, settings), progress)
    entries = [(authority, folder, feed, path) for authority, folder in authorities.folders for feed in feeds
               for path in feed_files(folder, feed, day)]
    files = [(path, feed, authority or settings.la_code) for authority, folder, feed, path in entries
             if path != folder / feed]
    ahead_of = files if read_ahead else []  # no reader without `read_ahead`: the loader reads every file itself
    # DuckDB's threads leave the reader process its processor (`threads_beside`)
    with bulk_writes(con), ReadAhead(ahead_of, ReadLimits.of(settings), loaded.pairs) as ahead, \
            threads_beside(con, 1 if ahead.reading else 0):
        read = 0  # files of `files` taken so far
        for authority, folder, feed, path in entries:  # a transaction per file, many in a row
            if path == folder / feed:
                outcome = refuse_linked_folder(con, path, feed, settings, authority)
            else:
                outcome = load_file(con, path, feed, settings, as_of=day or as_of, progress=progress,
                                    authority=authority, known_keys=known, prepared=ahead.get(read),
                                    loaded_files=loaded)
                read += 1
            _report(report, outcome, progress)
    return report


def _report(report: LoadReport, outcome: FileOutcome, progress: Callable[[str], None] | None) -> None:
    report.files.append(outcome)
    if progress:
        progress(outcome.line())


def load_feed(
    con: Connection,
    landing: Path,
    feed: str,
    settings: Settings,
    *,
    day: date | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
    authority: str | None = None,
) -> LoadReport:
    """Load one feed's new files under `landing` (with `day`: that day's, as an `ingest__<feed>` run does), of
    every authority it holds, or with `authority` of that one only (an entry of `feed_authorities`: a code, ""
    for CSW_LA_CODE's feed folders directly under `landing`; a refused folder's name quarantines that folder).
    Loads of different authorities may run at once on Postgres (the server's `ingest__<feed>` maps one per
    authority); the reference data decides what is an authority in each, read as the load starts."""
    return _load_feeds(con, landing, [feed], settings, day=day, as_of=as_of, progress=progress, authority=authority)


def feed_authorities(con: Connection, landing: Path, feed: str, settings: Settings, *,
                     day: date | None = None) -> list[str]:
    """What a load of `feed` is split over, one `load_feed(authority=…)` each (`Authorities.keys`): every folder
    named like an authority that is refused (its load quarantines it, naming it), and every authority with files
    of the feed (with `day`: files a run for that day takes). Creates the raw layer first, so the loads that
    follow find it (they may start together)."""
    ensure_raw_layer(con, settings.la_code)
    found = landing_authorities(con, landing, settings)
    with_files = [(key, folder) for key, folder in found.folders if feed_files(folder, feed, day)]
    return Authorities(with_files, found.refused).keys()


def load_landing(
    con: Connection,
    landing: Path,
    settings: Settings,
    *,
    as_of: date | None = None,
    feeds: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    read_ahead: bool = False,
) -> LoadReport:
    """Load every new file of every known feed folder under `landing`.

    A feed folder that is a symbolic link is quarantined as a link, unread: the loader never leaves `landing`.
    With authority folders (`<landing>/<la_code>/<feed>/`), every feed of each authority in turn.
    `read_ahead`: a load of many files has a reader process prepare the next ones (`landed.ReadAhead`). Like any
    process pool it imports the program's main module again: only for a program whose main module does no work
    on import (`if __name__ == "__main__":`), as `csw` (`pipeline.ingest`) and `make bench` are."""
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder {landing} does not exist")
    return _load_feeds(con, landing, feeds or list(FEEDS), settings, day=None, as_of=as_of, progress=progress,
                       read_ahead=read_ahead)
