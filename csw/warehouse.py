"""Connections to the warehouse (DuckDB embedded default)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from csw.settings import Settings, get_settings

SCHEMAS = ("raw", "staging", "intermediate", "marts", "dq")


def connect(settings: Settings | None = None, *, read_only: bool = False, path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB warehouse file, creating its folder and schemas when writable."""
    settings = settings or get_settings()
    path = path or settings.warehouse
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist yet: run `csw ingest` / `csw run` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    for schema in ("raw", "dq"):
        con.execute(f"create schema if not exists {schema}")
    return con


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 refuses new work otherwise)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
