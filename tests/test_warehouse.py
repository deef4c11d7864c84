"""foundation.warehouse on DuckDB, and the one way the product reaches either engine: SQL sent as written
(`$n` parameters), frames through `write_frame`, every transaction through `transaction`.
(The Postgres side: tests/server/test_warehouse_postgres.py.)"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from foundation.warehouse import connect, is_postgres, transaction, write_frame

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("foundation", "ingest", "expectations", "exports", "csw", "dags")
TRANSACTION_SQL = re.compile(r"\s*(begin|start|commit|rollback|end)(\s+(transaction|work))?\s*;?\s*", re.IGNORECASE)
# an engine's own connection calls (DuckDB's register, executemany, begin; commit/rollback on either)
ENGINE_CALLS = {"register", "unregister", "executemany", "begin", "commit", "rollback"}


def _product_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    calls.append((str(path.relative_to(ROOT)), node.lineno, node))
    return calls


def test_every_transaction_goes_through_the_one_helper():
    written_out = [
        f"{path}:{line}" for path, line, call in _product_calls()
        if call.func.attr == "execute" and call.args and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str) and TRANSACTION_SQL.fullmatch(call.args[0].value)
    ]
    assert written_out == [], "use foundation.warehouse.transaction(con) instead of begin/commit/rollback SQL"


def test_only_the_warehouse_module_uses_an_engines_own_calls():
    # DuckDB's register/executemany/begin do not exist on a psycopg connection: only foundation.warehouse calls them
    outside = [
        f"{path}:{line} {call.func.value.id}.{call.func.attr}()" for path, line, call in _product_calls()
        if call.func.attr in ENGINE_CALLS and isinstance(call.func.value, ast.Name)
        and call.func.value.id.endswith("con") and path != "foundation/warehouse.py"
    ]
    assert outside == []


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def test_duckdb_is_duckdbs_own_connection_and_takes_the_same_numbered_parameters(settings):
    con = connect(settings)
    try:
        assert isinstance(con, duckdb.DuckDBPyConnection) and not is_postgres(con)
        assert con.execute("select $1 || '%', $2::int + 1, '?'", ["50", 41]).fetchall() == [("50%", 42, "?")]
    finally:
        con.close()


def check_write_frame_round_trip(con) -> None:
    """Awkward text, gaps, dates and whole numbers with gaps come back as they went in (on either engine)."""
    con.execute("create schema if not exists raw")
    con.execute("create table raw.probe (t varchar, d date, ts timestamp, n bigint, f double precision)")
    frame = pd.DataFrame({
        "t": ["tab\there", "new\nline", "back\\slash", "", None, "\\N"],
        "d": [date(2024, 2, 29), None, date(1990, 1, 1), date(2025, 3, 31), None, None],
        "ts": [datetime(2024, 1, 1, 12, 30, 15, 250000), None, None, None, None, None],
        "n": [1, None, 3, None, 5, None],
        "f": [1.5, None, 0.1, 2.0, None, None],
    })
    write_frame(con, "raw.probe", frame)
    assert con.execute("select t, d, ts, n, f from raw.probe").fetchall() == [
        ("tab\there", date(2024, 2, 29), datetime(2024, 1, 1, 12, 30, 15, 250000), 1, 1.5),
        ("new\nline", None, None, None, None),
        ("back\\slash", date(1990, 1, 1), None, 3, 0.1),
        ("", date(2025, 3, 31), None, None, 2.0),
        (None, None, None, 5, None),
        ("\\N", None, None, None, None),
    ]


def check_write_frame_same_values_and_datetime64_days(con) -> None:
    """`same` fills its columns with one value in every row, and dates as numpy datetime64 (the loader's) land in
    a `date` column as their day (on either engine)."""
    con.execute("create schema if not exists raw")
    con.execute("create table raw.probe_same (d date, n bigint, src varchar, stamp timestamp, batch bigint)")
    frame = pd.DataFrame({"d": pd.Series(pd.to_datetime(["2024-02-29", None, "1900-01-01"])), "n": [1, 2, 3]})
    at = datetime(2025, 3, 31, 23, 59, 59, 500000)
    write_frame(con, "raw.probe_same", frame, ["d"], same={"src": "file's.csv", "stamp": at, "batch": 7})
    assert con.execute("select d, n, src, stamp, batch from raw.probe_same order by d nulls last").fetchall() == [
        (date(1900, 1, 1), None, "file's.csv", at, 7),
        (date(2024, 2, 29), None, "file's.csv", at, 7),
        (None, None, "file's.csv", at, 7),
    ]


def check_failed_transactions_leave_nothing(con, engine_error: type[Exception]) -> None:
    """A failing block (Python's error or the engine's) is rolled back and its own error raised; the connection
    goes on working."""
    con.execute("create schema if not exists raw")
    con.execute("create table raw.probe_tx (x bigint)")
    with pytest.raises(ZeroDivisionError):
        with transaction(con):
            write_frame(con, "raw.probe_tx", pd.DataFrame({"x": [1, 2]}))
            raise ZeroDivisionError
    with pytest.raises(engine_error):
        with transaction(con):
            con.execute("insert into raw.probe_tx values (3)")
            con.execute("insert into raw.probe_tx values ('not a number')")
    with transaction(con):
        con.execute("insert into raw.probe_tx values (4)")
    assert con.execute("select x from raw.probe_tx").fetchall() == [(4,)]


def test_write_frame_round_trips_awkward_text_nulls_dates_and_numbers(con):
    check_write_frame_round_trip(con)


def test_write_frame_binds_the_same_values_once_and_takes_numpy_days(con):
    check_write_frame_same_values_and_datetime64_days(con)


def test_a_failed_transaction_leaves_nothing_behind_and_its_own_error_is_raised(con):
    check_failed_transactions_leave_nothing(con, duckdb.ConversionException)


def test_duckdb_holds_at_most_the_memory_limit_set_and_dbt_is_told_the_same(settings, monkeypatch, tmp_path):
    """A national build took 18.6 GB under DuckDB's own default (80 % of the machine); every connection, and dbt's
    profile, holds at most CSW_DUCKDB_MEMORY_LIMIT (default 6 GB, less on a smaller machine)."""
    from dataclasses import replace

    from csw.dbt import dbt_env
    from foundation.settings import duckdb_memory_limit

    assert duckdb_memory_limit("2GB") == "2GB" and duckdb_memory_limit(" 512 MiB ") == "512 MiB"
    assert 0 < int(duckdb_memory_limit(None).removesuffix("MB")) <= 6000
    with pytest.raises(ValueError, match=r"CSW_DUCKDB_MEMORY_LIMIT='lots': expected a size such as 6GB"):
        duckdb_memory_limit("lots")
    limited = replace(settings, duckdb_memory_limit="2GB")
    con = connect(limited, path=tmp_path / "w.duckdb")
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "1.8 GiB"  # 2 GB in GiB
    finally:
        con.close()
    assert dbt_env(limited, "2025-03-31")["CSW_DUCKDB_MEMORY_LIMIT"] == "2GB"  # profiles.yml: settings.memory_limit
    profile = (ROOT / "dbt_project" / "profiles.yml").read_text()
    assert "memory_limit: \"{{ env_var('CSW_DUCKDB_MEMORY_LIMIT'" in profile


def _threads(con) -> int:
    return con.execute("select current_setting('threads')").fetchall()[0][0]


def test_duckdbs_threads_beside_a_busy_process_are_put_back_whatever_the_block_does(tmp_path):
    """`threads_beside`: one fewer than the connection had (never below one) while the block runs, as before after
    it, after an error too; when the block's error closed the connection, that error is the one raised."""
    from foundation.warehouse import threads_beside

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        con.execute("set threads = 3")
        with threads_beside(con, 1):
            assert _threads(con) == 2
        with pytest.raises(ValueError, match="the block's own"), threads_beside(con, 1):
            assert _threads(con) == 2
            raise ValueError("the block's own")
        assert _threads(con) == 3
        con.execute("set threads = 1")
        with threads_beside(con, 1):
            assert _threads(con) == 1  # at least one
        with threads_beside(con, 0):
            assert _threads(con) == 1  # nothing busy: nothing to do
    finally:
        con.close()
    closing = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(ValueError, match="after closing"), threads_beside(closing, 1):
        closing.close()
        raise ValueError("after closing")
