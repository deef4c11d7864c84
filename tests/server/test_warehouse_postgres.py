"""The Postgres side of foundation.warehouse: psycopg 3's own connection, `$n` parameters, COPY, transactions,
re-keying."""

from __future__ import annotations

import pytest

from foundation.warehouse import connect, first_row, is_postgres, sqlalchemy_url, table_exists
from ingest.core import pseudonymise
from tests.test_warehouse import (check_failed_transactions_leave_nothing, check_write_frame_round_trip,
                                  check_write_frame_same_values_and_datetime64_days)


@pytest.fixture
def con(pg_settings):
    connection = connect(pg_settings)
    yield connection
    connection.close()


def test_the_connection_is_psycopg3s_own_and_great_expectations_reaches_the_same_database(con):
    import psycopg
    import sqlalchemy

    assert isinstance(con, psycopg.Connection) and is_postgres(con) and con.autocommit
    url = sqlalchemy_url(con)
    assert url.startswith("postgresql+psycopg://etl:")
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as other:
            assert other.execute(sqlalchemy.text("select current_database(), current_user")).one() == (
                con.info.dbname, "etl")
    finally:
        engine.dispose()


def test_parameters_are_numbered_and_the_sql_text_is_sent_as_written(con):
    # `$n` is PostgreSQL's own marker (and DuckDB's): a `%` or `?` in the text is just text
    assert con.execute("select $1 || '%', $2::int + 1, '?'", ["50", 41]).fetchall() == [("50%", 42, "?")]
    assert con.execute("select $1 || $1", ["ab"]).fetchone() == ("abab",)
    assert first_row(con, "select 1 where false") is None
    assert table_exists(con, "raw", "_loads") is False
    con.execute("create table raw._loads_probe (x int)")
    assert table_exists(con, "raw", "_loads_probe") is True


def test_write_frame_round_trips_awkward_text_nulls_dates_and_numbers(con):
    check_write_frame_round_trip(con)


def test_write_frame_binds_the_same_values_once_and_takes_numpy_days(con):
    check_write_frame_same_values_and_datetime64_days(con)


def test_a_failed_transaction_leaves_nothing_behind(con):
    import psycopg

    check_failed_transactions_leave_nothing(con, psycopg.errors.InvalidTextRepresentation)


def test_child_keys_are_added_once_and_rekeyed_on_secret_rotation(con):
    pseudonymise.ensure_table(con)
    assert pseudonymise.add_keys(con, "s1", "841", ["P1", "P2", None]) == 2
    assert pseudonymise.add_keys(con, "s1", "841", ["P2", "P3"]) == 1
    assert pseudonymise.add_keys(con, "s1", "842", ["P1"]) == 1  # the same id in another authority: its own key
    assert pseudonymise.rekey(con, "s2") == 4
    keys = {(la, p): key for la, p, key in con.execute("select la_code, person_id, child_key from raw._child_keys").fetchall()}
    assert keys == {(la, p): pseudonymise.child_key("s2", la, p)
                    for la, p in (("841", "P1"), ("841", "P2"), ("841", "P3"), ("842", "P1"))}


def test_read_only_connections_refuse_writes(pg_settings):
    import psycopg

    con = connect(pg_settings, read_only=True)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            con.execute("create table raw.nope (x int)")
    finally:
        con.close()


def test_an_unreachable_server_is_one_clear_line(pg_settings):
    from dataclasses import replace

    with pytest.raises(ConnectionError) as info:
        connect(replace(pg_settings, pg_port=1))
    assert "cannot connect to the Postgres warehouse etl@127.0.0.1:1/" in str(info.value)
    assert "\n" not in str(info.value)
