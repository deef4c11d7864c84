"""Connections to the warehouse: DuckDB (embedded default) or Postgres (`CSW_TARGET=postgres`).

On DuckDB `connect` returns DuckDB's own connection, unchanged. On Postgres it returns a
`PostgresConnection`: the same small surface the project uses on DuckDB — `execute(sql, params)` with `?`
placeholders, then `fetchall()`, `fetchone()` or `df()`; `register(name, frame)` / `unregister(name)`;
`begin transaction` / `commit` / `rollback` as SQL; `close()` — so call sites stay engine-neutral.
Three helpers differ by engine and are the only places that do:
- `quote_identifier(con, name)`: a table or column name quoted by the engine's rules (never pasted as text);
- `write_frame(con, table, frame)`: append a DataFrame to a table (register + insert on DuckDB, COPY on Postgres);
- `transaction(con)`: a context manager that commits, or rolls back on any error.
A writable DuckDB file held by another process is waited for (CSW_LOCK_WAIT_SECONDS), then refused with
the holder's PID (`WarehouseBusy`), instead of DuckDB's raw lock error.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from foundation.settings import Settings, get_settings

SCHEMAS = ("raw", "staging", "intermediate", "marts", "dq")
_COPY_NULL = r"\N"


class PostgresResult:
    """The fetched result of one statement (fully read, like DuckDB's)."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.columns = columns
        self.rows = rows

    @property
    def description(self) -> list[tuple]:
        return [(name,) for name in self.columns]

    def fetchall(self) -> list[tuple]:
        return list(self.rows)

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def df(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.rows, columns=self.columns)


def _placeholders(sql: str) -> str:
    """DuckDB's `?` placeholders as psycopg2's `%s` (and a literal `%` doubled), leaving quoted text alone."""
    out: list[str] = []
    for i, part in enumerate(re.split(r"('(?:[^']|'')*')", sql)):
        if i % 2:  # a quoted literal
            out.append(part.replace("%", "%%"))
        else:
            out.append(part.replace("%", "%%").replace("?", "%s"))
    return "".join(out)


def _copy_text(frame: pd.DataFrame) -> io.StringIO:
    """A frame in COPY's text format: tab separated, `\\N` for null, backslash escapes."""
    columns = []
    for name in frame.columns:
        values = frame[name].astype(object)
        missing = values.isna().to_numpy()
        text = values.map(_copy_value).astype(str)
        text = text.str.replace("\\", "\\\\", regex=False).str.replace("\t", "\\t", regex=False)
        text = text.str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False)
        text[missing] = _COPY_NULL
        columns.append(text)
    buffer = io.StringIO()
    if len(frame):
        lines = columns[0].str.cat(columns[1:], sep="\t") if len(columns) > 1 else columns[0]
        buffer.write("\n".join(lines.tolist()))
        buffer.write("\n")
    buffer.seek(0)
    return buffer


def _copy_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # a float column that only holds whole numbers loads into bigint too
    return str(value)


def _sql_type(series: pd.Series) -> str:
    """Postgres type of a registered frame's column, from its dtype (object columns by their values)."""
    kind = series.dtype.kind
    if kind == "b":
        return "boolean"
    if kind in "iu":
        return "bigint"
    if kind == "f":
        return "double precision"
    if kind == "M":
        return "timestamp"
    values = [v for v in series.dropna().head(1000)]
    if values and all(isinstance(v, datetime) for v in values):
        return "timestamp"
    if values and all(isinstance(v, date) for v in values):
        return "date"
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "bigint"
    return "text"


class PostgresConnection:
    """A psycopg2 connection with the DuckDB-shaped surface described in the module docstring.

    Autocommit is on, so every statement stands alone unless the caller opens `begin transaction`,
    exactly as on DuckDB.
    """

    engine = "postgres"

    def __init__(self, raw, settings: Settings | None = None):
        self.raw = raw
        self.settings = settings

    @property
    def sqlalchemy_url(self) -> str:
        """The same database as a SQLAlchemy URL (Great Expectations' SQL datasource connects with it)."""
        from sqlalchemy.engine import URL

        s = self.settings or get_settings()
        url = URL.create("postgresql+psycopg2", username=s.pg_user, password=s.pg_password or None,
                         host=s.pg_host, port=s.pg_port, database=s.pg_database)
        return url.render_as_string(hide_password=False)

    def execute(self, sql: str, params: Sequence | None = None) -> PostgresResult:
        with self.raw.cursor() as cursor:
            if params:
                cursor.execute(_placeholders(sql), list(params))
            else:
                cursor.execute(sql)
            if cursor.description is None:
                return PostgresResult([], [])
            return PostgresResult([d.name for d in cursor.description], cursor.fetchall())

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(_placeholders(sql), [list(r) for r in rows])

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A temporary table `name` holding the frame (COPY), typed from its dtypes: what DuckDB's register gives."""
        self.unregister(name)
        columns = ", ".join(f"{quote_identifier(self, c)} {_sql_type(frame[c])}" for c in frame.columns)
        self.execute(f"create temporary table {quote_identifier(self, name)} ({columns})")
        self.copy_into(name, frame)

    def unregister(self, name: str) -> None:
        if not self.in_failed_transaction:  # an aborted transaction's rollback drops it anyway
            self.execute(f"drop table if exists pg_temp.{quote_identifier(self, name)}")

    def copy_into(self, table: str, frame: pd.DataFrame) -> None:
        """COPY the frame into `table` (`schema.table` or a bare name); every name quoted, values as COPY data."""
        quoted = ", ".join(quote_identifier(self, c) for c in frame.columns)
        with self.raw.cursor() as cursor:
            cursor.copy_expert(f"copy {quote_table(self, table)} ({quoted}) from stdin "
                               f"with (format text, null '{_COPY_NULL}')", _copy_text(frame))

    @property
    def in_failed_transaction(self) -> bool:
        from psycopg2.extensions import TRANSACTION_STATUS_INERROR

        return self.raw.info.transaction_status == TRANSACTION_STATUS_INERROR

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "PostgresConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Connection = duckdb.DuckDBPyConnection | PostgresConnection


def is_postgres(con: Connection) -> bool:
    return isinstance(con, PostgresConnection)


def quote_identifier(con: Connection, name: str) -> str:
    """One table or column name as a quoted identifier: psycopg2's `sql.Identifier` on Postgres, `"` doubled
    on DuckDB. A name that no quoting makes safe (empty, or with a NUL) is refused with ValueError."""
    if not name or "\x00" in name:
        raise ValueError(f"not a usable SQL identifier: {name!r}")
    if is_postgres(con):
        from psycopg2 import sql

        return sql.Identifier(name).as_string(con.raw)
    return '"' + name.replace('"', '""') + '"'


def quote_table(con: Connection, table: str) -> str:
    """`schema.table` (or a bare table name) with each part quoted (`quote_identifier`)."""
    return ".".join(quote_identifier(con, part) for part in table.split("."))


def connect_postgres(settings: Settings, *, read_only: bool = False) -> PostgresConnection:
    """Open the Postgres warehouse (CSW_PG_*); the raw and dq schemas are created when writable."""
    import psycopg2

    try:
        raw = psycopg2.connect(
            host=settings.pg_host, port=settings.pg_port, user=settings.pg_user,
            password=settings.pg_password or None, dbname=settings.pg_database,
            application_name="csw", connect_timeout=10,
        )
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConnectionError(
            f"cannot connect to the Postgres warehouse {settings.pg_user}@{settings.pg_host}:{settings.pg_port}/"
            f"{settings.pg_database} (CSW_PG_*): {first}") from None
    raw.autocommit = True
    con = PostgresConnection(raw, settings)
    if read_only:
        con.execute("set session characteristics as transaction read only")
    else:
        for schema in ("raw", "dq"):
            con.execute(f"create schema if not exists {schema}")
    return con


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
        return _connect_duckdb(path, read_only=True, wait_seconds=settings.lock_wait_seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_duckdb(path, read_only=False, wait_seconds=settings.lock_wait_seconds)
    for schema in ("raw", "dq"):
        con.execute(f"create schema if not exists {schema}")
    return con


class WarehouseBusy(OSError):
    """Another process held the DuckDB warehouse file for longer than CSW_LOCK_WAIT_SECONDS."""


# DuckDB's lock error: `… Conflicting lock is held in /usr/bin/python3 (PID 4242) by user …`
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_LOCK_RETRY_SECONDS = 0.5


def _connect_duckdb(path: Path, *, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; while another process holds its lock, say so once (stderr) and retry for up to
    `wait_seconds`, then raise `WarehouseBusy` naming the holder."""
    deadline = time.monotonic() + wait_seconds
    announced = None
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
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


def write_frame(con: Connection, table: str, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> None:
    """Append `frame` (its `columns`, default all) to `table`: register + insert on DuckDB, COPY on Postgres."""
    columns = list(columns) if columns is not None else list(frame.columns)
    if is_postgres(con):
        con.copy_into(table, frame[columns])
        return
    con.register("_csw_frame", frame)
    try:
        quoted = ", ".join(quote_identifier(con, c) for c in columns)
        con.execute(f"insert into {quote_table(con, table)} ({quoted}) select {quoted} from _csw_frame")
    finally:
        con.unregister("_csw_frame")


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """`begin transaction` … `commit`, or `rollback` and re-raise on any error (same SQL on both engines)."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def table_exists(con: Connection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def first_row(con: Connection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 refuses new work otherwise)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
