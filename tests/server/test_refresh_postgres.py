"""csw/refresh.py on Postgres: the plan and the record read and write the same SQL as on DuckDB, and the server's
build task (one `dbt build`, `csw.transform.RefreshingBuildOperator`) plans and records with them (no dbt run)."""

from __future__ import annotations

from csw.refresh import plan_build, record_build
from foundation.warehouse import connect
from ingest.core.load import ensure_loads_table
from tests.test_refresh import AS_OF, _finished_build, _load, transform_task_with_dbt_stood_in


def test_a_recorded_build_then_a_new_file_plans_an_incremental_build(pg_settings):
    con = connect(pg_settings)
    try:
        con.execute("create schema if not exists dq")
        ensure_loads_table(con)
        _load(con, "case_system", "case_system__ssd_person")
        first = plan_build(con, pg_settings, AS_OF)
        assert first.line == "full build: no complete build recorded (dq.build_inputs)"
        _finished_build(con)
        assert record_build(con, first, "postgres", {}) == 1
        assert plan_build(con, pg_settings, AS_OF, full="asked").dbt_args() == [
            "--exclude-resource-type", "unit_test", "--no-write-json"]
        assert plan_build(con, pg_settings, AS_OF).line == "full build: nothing loaded since the last build (batch 1)"
        _load(con, "health", "health__assessments")
        plan = plan_build(con, pg_settings, AS_OF)
        assert plan.line == ("incremental build: 1 raw table loaded since batch 1 (health__assessments; authority 841): "
                             "only what depends on it")
        _finished_build(con)
        assert record_build(con, plan, "postgres", {}) == 2
        assert con.execute("select build_id, mode, as_of, last_batch_id, loaded_rows from dq.build_inputs "
                           "order by build_id").fetchall() == [(1, "full", AS_OF, 1, 1), (2, "incremental", AS_OF, 2, 2)]
        assert con.execute("select target, build_id from dq.unit_test_passes").fetchall() == [("postgres", 1)]
    finally:
        con.close()


def test_the_server_build_task_plans_runs_and_records_on_postgres(pg_settings, monkeypatch):
    """The server DAG's default transform task: a full build first (dbt's unit tests not yet passed here), then,
    after a health file, only what depends on it; each build recorded (dbt stood in for by what its hooks leave)."""
    con = connect(pg_settings)
    try:
        con.execute("create schema if not exists dq")
        ensure_loads_table(con)
        _load(con, "case_system", "case_system__ssd_person")
    finally:
        con.close()
    monkeypatch.delenv("DBT_EXCLUDE_RESOURCE_TYPES", raising=False)
    ran, transform = transform_task_with_dbt_stood_in(pg_settings, monkeypatch)
    transform()
    with connect(pg_settings) as con:
        _load(con, "health", "health__assessments")
    transform()
    assert ran == [(["--no-write-json"], ""),
                   (["--select", "source:*.health__assessments+", "--exclude-resource-type", "unit_test",
                     "--no-write-json"], "")]  # 841 is the only authority: every row
    with connect(pg_settings) as after:
        assert after.execute("select build_id, mode, last_batch_id from dq.build_inputs order by 1").fetchall() == [
            (1, "full", 1), (2, "incremental", 2)]


def test_a_build_naming_authorities_replaces_only_their_rows_on_postgres(pg_settings, tmp_path, monkeypatch):
    """The project's Postgres `table` materialization (macros/materializations/table_postgres.sql): dbt's own for a
    whole table, only the named authorities' rows of a model whose rows are each authority's own (the probe and
    its assertions: tests/test_table_materialization.py)."""
    from tests.test_table_materialization import _project, assert_authority_rows_replaced, builder

    monkeypatch.setenv("DO_NOT_TRACK", "1")
    s = pg_settings
    output = (f"      type: postgres\n      host: {s.pg_host}\n      port: {s.pg_port}\n      user: {s.pg_user}\n"
              f"      password: \"{s.pg_password}\"\n      dbname: {s.pg_database}\n      schema: main\n")

    def execute(sql: str) -> None:
        with connect(s) as con:
            con.execute("create schema if not exists main")
            con.execute(sql)

    def relations() -> dict[str, list[tuple]]:
        with connect(s) as con:
            return {name: list(map(tuple, con.execute(f"select * from main.{name} order by 1").fetchall()))
                    for name in ("local_counts", "whole_counts", "no_authority", "local_tens")}

    assert_authority_rows_replaced(lambda models: _project(tmp_path, models, output), builder(tmp_path, monkeypatch),
                                   execute, relations)
