"""The Postgres side of foundation.warehouse: DuckDB's surface over psycopg2, COPY, transactions, re-keying."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from foundation.warehouse import _placeholders, connect, first_row, table_exists, transaction, write_frame
from ingest.core import pseudonymise


@pytest.fixture
def con(pg_settings):
    connection = connect(pg_settings)
    yield connection
    connection.close()


def test_placeholders_become_psycopg2_markers_outside_quoted_text():
    assert _placeholders("select ? where a like '%x?' and b = ?") == "select %s where a like '%%x?' and b = %s"


def test_execute_with_parameters_and_a_literal_percent(con):
    assert con.execute("select ? || '%', ?::int + 1", ["50", 41]).fetchall() == [("50%", 42)]
    assert first_row(con, "select 1 where false") is None
    assert table_exists(con, "raw", "_loads") is False
    con.execute("create table raw._loads_probe (x int)")
    assert table_exists(con, "raw", "_loads_probe") is True


def test_write_frame_round_trips_awkward_text_nulls_dates_and_numbers(con):
    con.execute("create table raw.probe (t varchar, d date, ts timestamp, n bigint, f double precision)")
    frame = pd.DataFrame({
        "t": ["tab\there", "new\nline", "back\\slash", "", None, "\\N"],
        "d": [date(2024, 2, 29), None, date(1990, 1, 1), date(2025, 3, 31), None, None],
        "ts": [datetime(2024, 1, 1, 12, 30, 15, 250000), None, None, None, None, None],
        "n": [1, None, 3, None, 5, None],
        "f": [1.5, None, 0.1, 2.0, None, None],
    })
    write_frame(con, "raw.probe", frame)
    rows = con.execute("select t, d, ts, n, f from raw.probe").fetchall()
    assert rows == [
        ("tab\there", date(2024, 2, 29), datetime(2024, 1, 1, 12, 30, 15, 250000), 1, 1.5),
        ("new\nline", None, None, None, None),
        ("back\\slash", date(1990, 1, 1), None, 3, 0.1),
        ("", date(2025, 3, 31), None, None, 2.0),
        (None, None, None, 5, None),
        ("\\N", None, None, None, None),
    ]


def test_a_failed_transaction_leaves_nothing_behind(con):
    con.execute("create table raw.probe (x bigint)")
    with pytest.raises(ZeroDivisionError):
        with transaction(con):
            write_frame(con, "raw.probe", pd.DataFrame({"x": [1, 2]}))
            raise ZeroDivisionError
    with pytest.raises(Exception):
        with transaction(con):
            con.execute("insert into raw.probe values (3)")
            con.execute("select 1 / 0")
    assert con.execute("select count(*) from raw.probe").fetchone() == (0,)


def test_registered_frames_are_typed_temporary_tables(con):
    frame = pd.DataFrame({"d": [date(2024, 1, 1)], "n": [7], "s": ["x"], "f": [0.5]})
    con.register("_probe", frame)
    types = dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = '_probe'").fetchall())
    assert types == {"d": "date", "n": "bigint", "s": "text", "f": "double precision"}
    assert con.execute("select d, n, s, f from _probe").fetchall() == [(date(2024, 1, 1), 7, "x", 0.5)]
    con.unregister("_probe")
    assert con.execute("select count(*) from pg_tables where tablename = '_probe'").fetchone() == (0,)


def test_child_keys_are_added_once_and_rekeyed_on_secret_rotation(con):
    pseudonymise.ensure_table(con)
    assert pseudonymise.add_keys(con, "s1", "841", ["P1", "P2", None]) == 2
    assert pseudonymise.add_keys(con, "s1", "841", ["P2", "P3"]) == 1
    assert pseudonymise.rekey(con, "s2") == 3
    keys = dict(con.execute("select person_id, child_key from raw._child_keys").fetchall())
    assert keys == {p: pseudonymise.child_key("s2", "841", p) for p in ("P1", "P2", "P3")}


def test_read_only_connections_refuse_writes(pg_settings):
    import psycopg2

    con = connect(pg_settings, read_only=True)
    try:
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            con.execute("create table raw.nope (x int)")
    finally:
        con.close()


def test_an_unreachable_server_is_one_clear_line(pg_settings):
    from dataclasses import replace

    with pytest.raises(ConnectionError) as info:
        connect(replace(pg_settings, pg_port=1))
    assert "cannot connect to the Postgres warehouse etl@127.0.0.1:1/" in str(info.value)
    assert "\n" not in str(info.value)
