"""Connections to the warehouse: DuckDB (embedded default) or Postgres (`CSW_TARGET=postgres`).

`connect` returns each engine's own maintained connection, unchanged: a `duckdb.DuckDBPyConnection`, or a
psycopg 3 `psycopg.Connection` (autocommit, so a statement stands alone unless `transaction` opens one).
Both take the same SQL text as it is written: parameters are `$1`, `$2`, … — DuckDB's positional parameters
and PostgreSQL's own, which psycopg's `RawCursor` (this connection's cursor class) sends to the server
untouched — so no SQL is ever rewritten, and `con.execute(sql, params)` then `fetchall()` / `fetchone()`
reads the same on both. (SQLAlchemy Core over duckdb-engine was the other candidate: it would wrap DuckDB's
own API, which the checks read DataFrames through, for no gain; Great Expectations' SQL datasource reaches
Postgres through SQLAlchemy on this same driver, `postgresql+psycopg`.)

Where the engines differ, these helpers are the only places that know:
- `quote_identifier(con, name)`: a table or column name quoted by the engine's rules (never pasted as text);
- `write_frame(con, table, frame)`: append a DataFrame to a table — DuckDB reads the frame itself (its Python
  API registers it), Postgres receives it through psycopg's `COPY … FROM STDIN` (`Copy.write_row`);
- `transaction(con)`: a context manager that commits, or rolls back on any error — every transaction in the
  product is one of these;
- `bulk_writes(con)`: many small transactions in a row (the loader's, one per file) — DuckDB checkpoints its
  write-ahead log less often meanwhile; Postgres needs nothing;
- `is_postgres(con)` and `sqlalchemy_url(con)` (Great Expectations' Postgres datasource);
- `one_at_a_time(con, name)` / `lock_in_transaction(con, name)`: Postgres takes concurrent writers (the
  per-authority ingest runs in parallel), so work that must not interleave takes an advisory lock named `name`;
  DuckDB has one writing process per file, so there they do nothing.
A writable DuckDB file held by another process is waited for (CSW_LOCK_WAIT_SECONDS), then refused with
the holder's PID (`WarehouseBusy`), instead of DuckDB's raw lock error.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import duckdb
import pandas as pd

from foundation.settings import Settings, get_settings

if TYPE_CHECKING:
    import psycopg

# psycopg is imported only when a Postgres warehouse is opened (DuckDB is the default; DAG files stay cheap).
Connection: TypeAlias = "duckdb.DuckDBPyConnection | psycopg.Connection[tuple[Any, ...]]"


def is_postgres(con: Connection) -> bool:
    """Whether `con` is a psycopg connection (one exists only once `connect_postgres` imported psycopg)."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(con, psycopg.Connection)


def quote_identifier(con: Connection, name: str) -> str:
    """One table or column name as a quoted identifier: psycopg's `sql.Identifier` on Postgres, `"` doubled
    on DuckDB. A name that no quoting makes safe (empty, or with a NUL) is refused with ValueError."""
    if not name or "\x00" in name:
        raise ValueError(f"not a usable SQL identifier: {name!r}")
    if is_postgres(con):
        from psycopg import sql

        return sql.Identifier(name).as_string(con)
    return '"' + name.replace('"', '""') + '"'


def connect_postgres(settings: Settings, *, read_only: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
    """Open the Postgres warehouse (CSW_PG_*); the raw and dq schemas are created when writable."""
    import psycopg

    try:
        con = psycopg.connect(
            host=settings.pg_host, port=settings.pg_port, user=settings.pg_user,
            password=settings.pg_password or None, dbname=settings.pg_database,
            application_name="csw", connect_timeout=10, autocommit=True, cursor_factory=psycopg.RawCursor,
        )
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConnectionError(
            f"cannot connect to the Postgres warehouse {settings.pg_user}@{settings.pg_host}:{settings.pg_port}/"
            f"{settings.pg_database} (CSW_PG_*): {first}") from None
    if read_only:
        con.execute("set session characteristics as transaction read only")
    else:
        for schema in ("raw", "dq"):
            con.execute(f"create schema if not exists {schema}")
    return con


def sqlalchemy_url(con: psycopg.Connection[tuple[Any, ...]]) -> str:
    """The database `con` is connected to as a SQLAlchemy URL on the same driver (psycopg 3), for Great
    Expectations' SQL datasource."""
    from sqlalchemy.engine import URL

    info = con.info
    url = URL.create("postgresql+psycopg", username=info.user, password=info.password or None, host=info.host,
                     port=info.port, database=info.dbname)
    return url.render_as_string(hide_password=False)


def connect(settings: Settings | None = None, *, read_only: bool = False, path: Path | None = None) -> Connection:
    """Open the warehouse of `settings.target`, creating the raw and dq schemas when writable.

    DuckDB: the file (its folder created when writable). Postgres: the CSW_PG_* database.
    """
    settings = settings or get_settings()
    if settings.target == "postgres" and path is None:
        return connect_postgres(settings, read_only=read_only)
    path = path or settings.warehouse
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist yet: run `csw ingest` / `csw run` first")
        return _connect_duckdb(path, read_only=True, wait_seconds=settings.lock_wait_seconds,
                               memory_limit=settings.duckdb_memory_limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_duckdb(path, read_only=False, wait_seconds=settings.lock_wait_seconds,
                          memory_limit=settings.duckdb_memory_limit)
    for schema in ("raw", "dq"):
        con.execute(f"create schema if not exists {schema}")
    return con


class WarehouseBusy(OSError):
    """Another process held the DuckDB warehouse file for longer than CSW_LOCK_WAIT_SECONDS."""


# DuckDB's lock error: `… Conflicting lock is held in /usr/bin/python3 (PID 4242) by user …`
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_LOCK_RETRY_SECONDS = 0.5


def _connect_duckdb(path: Path, *, read_only: bool, wait_seconds: float,
                    memory_limit: str) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file holding at most `memory_limit` (Settings.duckdb_memory_limit; past it DuckDB spills to
    disk); while another process holds its lock, say so once (stderr) and retry for up to `wait_seconds`, then raise
    `WarehouseBusy` naming the holder."""
    deadline = time.monotonic() + wait_seconds
    announced = None
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            # set, not passed as config: a process that opens the file again (dbt in-process, whose profile sets the
            # same limit) must open it with the same config; the value is Settings' (a checked size)
            con.execute(f"set memory_limit = '{memory_limit}'")
            return con
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if holder is None:
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseBusy(
                    f"the warehouse {path} is busy: held by PID {holder['pid']} ({holder['program']}) for more than "
                    f"{wait_seconds:g} s (CSW_LOCK_WAIT_SECONDS); run again when that process has finished") from None
            if holder["pid"] != announced:
                print(f"csw: the warehouse is busy (held by PID {holder['pid']}), retrying for up to {wait_seconds:g} s",
                      file=sys.stderr, flush=True)
                announced = holder["pid"]
            time.sleep(min(_LOCK_RETRY_SECONDS, remaining))


def warehouse_exists(settings: Settings) -> bool:
    """Whether there is a warehouse to read: the DuckDB file exists, or (Postgres) the server is configured."""
    return settings.target == "postgres" or settings.warehouse.exists()


def write_frame(con: Connection, table: str, frame: pd.DataFrame, columns: Sequence[str] | None = None,
                same: Mapping[str, object] | None = None) -> None:
    """Append `frame` (its `columns`, default all) to `table` (`schema.table`): DuckDB's Python API reads the
    frame (register + insert); on Postgres its rows go through psycopg's COPY, each value adapted by psycopg.
    Missing values (None, NaN, NaT, NA) are NULL; a column of whole numbers with gaps (float in pandas) is
    written as integers, so it loads into bigint on both engines. `same`: columns with one value in every row
    (the loader's batch id, source file, …), bound once on DuckDB rather than laid in the frame row by row."""
    columns = list(columns) if columns is not None else list(frame.columns)
    same = dict(same or {})
    if set(same) & set(columns):
        raise ValueError(f"write_frame: {sorted(set(same) & set(columns))} both in the frame and in `same`")
    if is_postgres(con):
        _copy_frame(con, table, frame[columns].assign(**same))
        return
    con.register("_csw_frame", frame)
    try:
        names = ", ".join(quote_identifier(con, c) for c in [*columns, *same])
        values = ", ".join([*(quote_identifier(con, c) for c in columns), *(f"${i}" for i in range(1, len(same) + 1))])
        target = ".".join(quote_identifier(con, part) for part in table.split("."))
        con.execute(f"insert into {target} ({names}) select {values} from _csw_frame", list(same.values()))
    finally:
        con.unregister("_csw_frame")


def _copy_frame(con: psycopg.Connection[tuple[Any, ...]], table: str, frame: pd.DataFrame) -> None:
    from psycopg import sql

    typed = frame.convert_dtypes()  # pandas' own inference: whole-number floats become Int64, gaps become NA
    values = [typed[c].astype(object).where(typed[c].notna(), None).tolist() for c in typed.columns]
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(*table.split(".")), sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns))
    with con.cursor() as cursor, cursor.copy(statement) as copy:
        for row in zip(*values):
            copy.write_row(row)


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """One transaction: committed when the block ends, rolled back (and the error re-raised) on any error.

    Postgres: psycopg's own `Connection.transaction()`. DuckDB: `begin` … `commit`, else `rollback` — which
    DuckDB refuses when the failure was the commit itself (that already ended the transaction); the
    original error is what propagates."""
    if is_postgres(con):
        with con.transaction():
            yield con
        return
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        with suppress(duckdb.Error):
            con.rollback()
        raise


# The write-ahead log DuckDB lets grow during `bulk_writes` before it checkpoints (its default is 16 MiB).
BULK_CHECKPOINT_THRESHOLD = "512MiB"


@contextmanager
def bulk_writes(con: Connection) -> Iterator[Connection]:
    """A run of many small transactions (the loader commits each file alone). DuckDB checkpoints its write-ahead log
    into the file once the log passes `checkpoint_threshold`, and each checkpoint rewrites the last row groups of
    every table written since: at the default 16 MiB a region's load (1,715 files) spent about a sixth of its time
    there. Here the log may grow to BULK_CHECKPOINT_THRESHOLD first (the memory it holds is bounded by it); each
    commit is as durable as before (in the log), and the setting is put back when the block ends. Postgres: nothing
    to do."""
    with _duckdb_setting(con, "checkpoint_threshold", lambda _before: BULK_CHECKPOINT_THRESHOLD):
        yield con


@contextmanager
def threads_beside(con: Connection, busy: int) -> Iterator[Connection]:
    """DuckDB's threads `busy` fewer than it has (at least one) while the block runs, then as before: `busy`
    processes of ours each keep a processor busy beside it, as the loader's reader process reading the next files
    (`ingest.core.landed.ReadAhead`). DuckDB's own count (a thread per processor it may use, within a container's
    CPU quota) had the two contend: a region's load on two processors took 0.96x the wall time with one DuckDB
    thread (0.90x the CPU; three runs each, docs/performance.md). The setting is the whole database's, every
    connection's to the file. `busy` 0, or Postgres: nothing to do."""
    if busy <= 0:
        yield con
        return
    with _duckdb_setting(con, "threads", lambda threads: max(1, int(threads) - busy)):
        yield con


@contextmanager
def _duckdb_setting(con: Connection, name: str, value: Callable[[Any], object]) -> Iterator[Connection]:
    """DuckDB's setting `name` at `value(its current value)` (both ours, nothing from outside) while the block runs,
    then put back as DuckDB shows it (`16.0 MiB`, `2`: exact for a whole number of MiB or GiB, as every value here).
    When the block raises, its error is the one raised, even if the connection can no longer put the setting back.
    Postgres: nothing."""
    if is_postgres(con):
        yield con
        return
    before = first_row(con, f"select current_setting('{name}')")[0]
    con.execute(f"set {name} = '{value(before)}'")
    try:
        yield con
    except BaseException:
        with suppress(duckdb.Error):  # e.g. the connection closed: the block's own error says what went wrong
            con.execute(f"set {name} = '{before}'")
        raise
    con.execute(f"set {name} = '{before}'")


@contextmanager
def one_at_a_time(con: Connection, name: str) -> Iterator[Connection]:
    """The block runs while no other Postgres session holds the lock `name` (a session advisory lock, released
    when the block ends, the session's own transactions inside it unaffected). DuckDB: the file has one writer."""
    if not is_postgres(con):
        yield con
        return
    con.execute("select pg_advisory_lock(hashtext($1))", [name])
    try:
        yield con
    finally:
        con.execute("select pg_advisory_unlock(hashtext($1))", [name])


def lock_in_transaction(con: Connection, name: str) -> None:
    """Inside a `transaction`: wait until no other Postgres transaction holds the lock `name`, then hold it until
    this one ends (commit or rollback). DuckDB: nothing to do (one writer)."""
    if is_postgres(con):
        con.execute("select pg_advisory_xact_lock(hashtext($1))", [name])


def table_exists(con: Connection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = $1 and table_name = $2",
            [schema, table],
        ).fetchall()[0][0]
    )


def column_exists(con: Connection, schema: str, table: str, column: str) -> bool:
    """Whether the table has the column (a table made by an older version may lack one added since)."""
    return bool(first_row(con, "select count(*) from information_schema.columns where table_schema = $1 "
                               "and table_name = $2 and column_name = $3", [schema, table, column])[0])


def first_row(con: Connection, sql: str, params: Sequence[Any] | None = None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 refuses new work otherwise)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
