"""Landing folder → `raw` tables: idempotent (SHA-256 dedupe), transactional, with an audit row per file.

Semantics per contract:
- snapshot (case_system): a new batch is appended; the newest batch of a table is the current snapshot,
  earlier batches stay for audit (staging reads the newest through the `current_batch` macro).
- replace (reference): the new batch replaces every earlier row.
- incremental (health, education, partners): batches are appended; staging keeps the newest row per key.
A file that breaks its contract is moved to quarantine with a `.reason.txt` beside it, and nothing in
the warehouse changes.
The same code runs on DuckDB and Postgres (`foundation.warehouse`): frames are written by `write_frame` (COPY on
Postgres) and each file's transaction is plain `begin transaction` / `commit` / `rollback` SQL.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from foundation.settings import Settings
from foundation.warehouse import Connection, first_row, write_frame
from ingest.contracts import FEEDS
from ingest.contracts import all_tables
from ingest.core import calendar, pseudonymise
from ingest.core.contract import TableContract
from ingest.core.read import ContractError, landed_files, read_table

LOADS_TABLE = "raw._loads"
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
    reason varchar
)
"""
_META_COLUMNS = {"_source_file": "varchar", "_row_number": "bigint", "_loaded_at": "timestamp", "_batch_id": "bigint"}
_DATE_IN_NAME = re.compile(r"_(\d{8})\.csv$", re.IGNORECASE)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
LARGE_FILE_BYTES = 32 * 1024**2  # a file this big reports each phase (rows, seconds) as it goes


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

    def line(self) -> str:
        """The one progress line of this file."""
        detail = f"{self.rows:,} rows" if self.outcome == "loaded" else self.reason
        return f"{self.outcome:<11} {self.feed}/{self.file_name}: {detail}"


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


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract_date_of(path: Path, as_of: date | None) -> date:
    """The date in the file name, else the run's as-of date, else the file's modification date."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%d").date()
    if as_of is not None:
        return as_of
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).date()


def _create_table(con: Connection, contract: TableContract) -> None:
    cols = [f'"{c.name}" {c.sql_type}' for c in contract.columns]
    cols += [f'"{name}" {sql_type}' for name, sql_type in _META_COLUMNS.items()]
    con.execute(f"create table if not exists raw.{contract.raw_table} ({', '.join(cols)})")


def ensure_raw_layer(con: Connection) -> None:
    """Audit, key and calendar tables, and an (empty) raw table per contract, so staging always compiles."""
    con.execute("create schema if not exists raw")
    con.execute(_LOADS_DDL)
    pseudonymise.ensure_table(con)
    for contract in all_tables():
        _create_table(con, contract)
    calendar.refresh(con)


def _already_loaded(con: Connection, sha: str) -> str | None:
    row = first_row(con, f"select file_name from {LOADS_TABLE} where sha256 = ? and outcome = 'loaded' limit 1", [sha])
    return row[0] if row else None


def _next_batch_id(con: Connection) -> int:
    return int(con.execute(f"select coalesce(max(batch_id), 0) + 1 from {LOADS_TABLE}").fetchall()[0][0])


def _existing_columns(con: Connection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
    ]


def _ensure_table(con: Connection, contract: TableContract, frame: pd.DataFrame) -> list[str]:
    """Create the raw table from the contract, adding any extra column the file brings as text."""
    _create_table(con, contract)
    existing = _existing_columns(con, contract.raw_table)
    for extra in (c for c in frame.columns if c not in existing):
        con.execute(f'alter table raw.{contract.raw_table} add column "{extra}" varchar')
        existing.append(extra)
    return existing


def _write_batch(
    con: Connection, contract: TableContract, frame: pd.DataFrame, batch_id: int, loaded_at: datetime
) -> None:
    frame = frame.assign(_loaded_at=loaded_at, _batch_id=batch_id)
    columns = _ensure_table(con, contract, frame)
    if contract.semantics == "replace":
        con.execute(f"delete from raw.{contract.raw_table}")
    write_frame(con, f"raw.{contract.raw_table}", frame, [c for c in columns if c in frame.columns])


def _record(con: Connection, **row: object) -> None:
    con.execute(
        f"insert into {LOADS_TABLE} (batch_id, feed, table_name, file_name, sha256, byte_size, row_count, "
        "extract_date, loaded_at, outcome, reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [row["batch_id"], row["feed"], row["table_name"], row["file_name"], row["sha256"], row["byte_size"],
         row["row_count"], row["extract_date"], row["loaded_at"], row["outcome"], row["reason"]],
    )


def quarantine(path: Path, feed: str, reason: str, settings: Settings, stamp: str) -> Path:
    """Move a refused file out of the landing folder, with its reason in a text file beside it."""
    folder = settings.quarantine_dir / feed / stamp
    folder.mkdir(parents=True, exist_ok=True)
    name = path.name if _SAFE_NAME.match(path.name) else "unsafe-name.csv"
    target = folder / name
    n = 1
    while target.exists():  # never overwrite an earlier refused file (or its reason)
        n += 1
        target = folder / f"{Path(name).stem}.{n}{Path(name).suffix}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target


def load_file(
    con: Connection, path: Path, feed: str, settings: Settings, *, as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> FileOutcome:
    """Load one landed file in one transaction; quarantine it if it breaks its contract.

    A file of LARGE_FILE_BYTES or more reports each phase (read, rows parsed, written, keyed) to `progress`."""
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    stamp = loaded_at.strftime("%Y%m%dT%H%M%S")
    contract = FEEDS[feed].table_for(path.name) if _SAFE_NAME.match(path.name) else None
    data = b""
    try:
        if path.name.startswith("."):
            raise ContractError(path.name, "unsafe file name: a name starting with '.' is hidden or looks like a path "
                                           "(rename the file to its contract name)")
        if not _SAFE_NAME.match(path.name):
            raise ContractError(path.name, "unsafe file name (only letters, digits, '_', '-' and '.' are accepted)")
        if contract is None:
            raise ContractError(path.name, f"no {feed} contract matches this file name")
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise ContractError(path.name, f"file is {size:,} bytes, over the limit of {settings.max_file_bytes:,} (CSW_MAX_FILE_BYTES)")
        phases = _Phases(f"{feed}/{path.name}", size, progress)
        data = path.read_bytes()
        sha = sha256_of(data)
        earlier = _already_loaded(con, sha)
        if earlier is not None:
            return FileOutcome(feed, path.name, "duplicate", table=contract.raw_table, reason=f"same bytes as {earlier}, already loaded")
        frame = read_table(path, contract, data)
        frame["_source_file"] = path.name
        phases.say(f"{len(frame):,} rows parsed and checked")
        con.execute("begin transaction")
        try:
            batch_id = _next_batch_id(con)
            _write_batch(con, contract, frame, batch_id, loaded_at)
            phases.say(f"{len(frame):,} rows written to raw.{contract.raw_table}")
            for column in pseudonymise.person_id_columns(contract):
                pseudonymise.add_keys(con, settings.pseudonymisation_secret, settings.la_code, frame[column])
            phases.say("child keys added")
            _record(con, batch_id=batch_id, feed=feed, table_name=contract.raw_table, file_name=path.name,
                    sha256=sha, byte_size=len(data), row_count=len(frame),
                    extract_date=extract_date_of(path, as_of), loaded_at=loaded_at, outcome="loaded", reason="")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return FileOutcome(feed, path.name, "loaded", rows=len(frame), table=contract.raw_table)
    except ContractError as exc:
        reason = str(exc)
        quarantine(path, feed, reason, settings, stamp)
        _record(con, batch_id=None, feed=feed, table_name=contract.raw_table if contract else None,
                file_name=path.name, sha256=sha256_of(data) if data else None, byte_size=len(data) or None,
                row_count=None, extract_date=None, loaded_at=loaded_at, outcome="quarantined", reason=reason)
        return FileOutcome(feed, path.name, "quarantined", table=contract.raw_table if contract else None, reason=reason)


def load_landing(
    con: Connection,
    landing: Path,
    settings: Settings,
    *,
    as_of: date | None = None,
    feeds: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load every new file of every known feed folder under `landing`."""
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder {landing} does not exist")
    ensure_raw_layer(con)
    report = LoadReport()
    for feed in feeds or list(FEEDS):
        folder = landing / feed
        if not folder.is_dir():
            continue
        for path in landed_files(folder):
            outcome = load_file(con, path, feed, settings, as_of=as_of, progress=progress)
            report.files.append(outcome)
            if progress:
                progress(outcome.line())
    return report
