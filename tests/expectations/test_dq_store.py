"""`dq.runs` / `dq.check_results`: exact columns (the export reads them), all-or-nothing writes."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from expectations import CheckResult, CheckRun
from expectations.store import ensure_tables, write_run

STARTED = datetime(2025, 4, 1, 9, 0, 0)


def _result(**overrides) -> CheckResult:
    values = dict(
        suite="raw_case_system__ssd_cin_episodes", check_name="expect_column_values_to_be_unique(cine_referral_id)",
        feed="case_system", table_name="case_system__ssd_cin_episodes", severity="blocking", status="failed",
        observed_value="2 of 4 rows", failing_rows=2, failing_sample="R002",
        message="raw.case_system__ssd_cin_episodes: 2 rows have the same cine_referral_id as another row",
        checked_at=STARTED,
    )
    return CheckResult(**{**values, **overrides})


def _run(run_id: str, results: list[CheckResult]) -> CheckRun:
    return CheckRun.from_results(run_id, date(2025, 3, 31), STARTED, STARTED, results)


def test_tables_have_exactly_the_interface_columns():
    con = duckdb.connect()
    ensure_tables(con)
    columns = {
        table: [(name, dtype) for name, dtype in con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'dq' "
            "and table_name = ? order by ordinal_position", [table]).fetchall()]
        for table in ("runs", "check_results")
    }
    assert columns["runs"] == [
        ("run_id", "VARCHAR"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"), ("as_of", "DATE"),
        ("status", "VARCHAR"), ("checks_run", "INTEGER"), ("blocking_failures", "INTEGER"), ("warnings", "INTEGER"),
        # the warehouse state the run checked (foundation/state.py), added last
        ("state_batch_id", "BIGINT"), ("state_build_id", "BIGINT"), ("state_build_status", "VARCHAR"),
    ]
    assert columns["check_results"] == [
        ("run_id", "VARCHAR"), ("suite", "VARCHAR"), ("check_name", "VARCHAR"), ("feed", "VARCHAR"),
        ("table_name", "VARCHAR"), ("severity", "VARCHAR"), ("status", "VARCHAR"), ("observed_value", "VARCHAR"),
        ("failing_rows", "BIGINT"), ("failing_sample", "VARCHAR"), ("message", "VARCHAR"), ("checked_at", "TIMESTAMP"),
        ("acknowledged_by", "VARCHAR"),  # added last: readers that name their columns are unaffected
        ("la_code", "VARCHAR"),  # a hub's gate per authority
    ]
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'dq'").fetchall()}
    assert tables == {"runs", "check_results", "acknowledgements", "alerts"}


def test_a_warehouse_from_before_acknowledgements_gains_the_column_and_keeps_its_rows():
    con = duckdb.connect()
    con.execute("create schema dq")
    con.execute("create table dq.check_results (run_id varchar, suite varchar, check_name varchar, feed varchar, "
                "table_name varchar, severity varchar, status varchar, observed_value varchar, failing_rows bigint, "
                "failing_sample varchar, message varchar, checked_at timestamp)")
    con.execute("insert into dq.check_results (run_id, suite) values ('old', 's')")
    results = [_result(acknowledged_by=None)]
    write_run(con, _run("new", results), results)
    assert con.execute("select run_id, acknowledged_by from dq.check_results order by run_id").fetchall() == [
        ("new", None), ("old", None)]


def test_a_warehouse_from_before_the_gate_per_authority_gains_la_code_and_keeps_its_rows():
    """dq.check_results of a warehouse checked before a result had an authority: the next run adds the column
    (null on the old rows: every authority's, as they were) and writes its own results' authority."""
    con = duckdb.connect()
    old = [_result(acknowledged_by=None)]
    write_run(con, _run("old", old), old)
    con.execute("alter table dq.check_results drop column la_code")
    results = [_result(la_code="840"), _result(status="passed", failing_rows=0, failing_sample=None)]
    write_run(con, _run("new", results), results)
    assert con.execute("select run_id, status, la_code from dq.check_results order by run_id, status").fetchall() == [
        ("new", "failed", "840"), ("new", "passed", None), ("old", "failed", None)]


def test_a_run_is_written_whole_or_not_at_all():
    con = duckdb.connect()
    good = [_result(), _result(status="passed", failing_rows=0, failing_sample=None, feed=None)]
    write_run(con, _run("r1", good), good)
    assert con.execute("select run_id, status, checks_run, blocking_failures from dq.runs").fetchall() == [
        ("r1", "FAILED", 2, 1)]

    broken = [_result(), _result(checked_at="not a timestamp")]  # the second row cannot be cast
    with pytest.raises(duckdb.Error):
        write_run(con, _run("r2", broken), broken)
    assert con.execute("select run_id from dq.runs").fetchall() == [("r1",)]
    assert con.execute("select distinct run_id from dq.check_results").fetchall() == [("r1",)]


def test_a_run_records_the_loads_and_build_it_checked_and_an_older_warehouse_gains_the_columns():
    from foundation.state import Build, Load, WarehouseState

    con = duckdb.connect()
    con.execute("create schema dq")
    con.execute("create table dq.runs (run_id varchar, started_at timestamp, finished_at timestamp, as_of date, "
                "status varchar, checks_run integer, blocking_failures integer, warnings integer)")
    con.execute("insert into dq.runs (run_id, status) values ('old', 'PASSED')")
    state = WarehouseState(Load(41, "case_system", "ssd_person.csv", STARTED),
                           Build(7, "build", date(2025, 3, 31), STARTED, "success"))
    results = [_result(status="passed", failing_rows=0, failing_sample=None)]
    write_run(con, CheckRun.from_results("new", date(2025, 3, 31), STARTED, STARTED, results, state=state), results)
    assert con.execute("select run_id, state_batch_id, state_build_id, state_build_status from dq.runs "
                       "order by run_id").fetchall() == [("new", 41, 7, "success"), ("old", None, None, None)]
    nothing = WarehouseState(None, None)  # nothing loaded or built yet is a recorded state too
    write_run(con, CheckRun.from_results("empty", date(2025, 3, 31), STARTED, STARTED, results, state=nothing), results)
    assert con.execute("select state_batch_id, state_build_id, state_build_status from dq.runs "
                       "where run_id = 'empty'").fetchall() == [(None, None, "none")]
