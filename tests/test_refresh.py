"""csw/refresh.py on a hand-made warehouse (no dbt run): what an incremental build selects, what is recorded, when
a full build runs dbt's unit tests, and the Cosmos DuckDB task planning, running and recording the same way (its dbt
run replaced by a stand-in)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest

from csw.refresh import BuildPlan, plan_build, project_fingerprint, record_build
from foundation.settings import DBT_PROJECT_DIR
from foundation.warehouse import connect
from ingest.core.load import ensure_loads_table

AS_OF = date(2025, 3, 31)


def _finished_build(con, status: str = "success") -> int:
    """A row of dq.builds as dbt's hooks leave it (macros/builds.sql)."""
    con.execute("create table if not exists dq.builds (build_id bigint, invocation_id varchar(64), command varchar(16), "
                "as_of date, started_at timestamp, finished_at timestamp, status varchar(16))")
    build_id = con.execute("select coalesce(max(build_id), 0) + 1 from dq.builds").fetchone()[0]
    con.execute("insert into dq.builds (build_id, command, as_of, status) values ($1, 'build', $2, $3)",
                [build_id, AS_OF, status])
    return build_id


def _load(con, feed: str, table: str, la_code: str = "841") -> int:
    batch = con.execute("select coalesce(max(batch_id), 0) + 1 from raw._loads").fetchone()[0]
    con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, la_code) "
                "values ($1, $2, $3, 'x.csv', 'loaded', $4)", [batch, feed, table, la_code])
    return batch


@pytest.fixture
def warehouse(settings):
    """A warehouse with a case_system file and a health file of 841 loaded and fully built, the build recorded."""
    con = connect(settings)
    ensure_loads_table(con)
    _load(con, "case_system", "case_system__ssd_person")
    _load(con, "health", "health__assessments")
    plan = plan_build(con, settings, AS_OF)
    assert plan.line == "full build: no complete build recorded (dq.build_inputs)"
    assert plan.dbt_args() == ["--no-write-json"]  # dbt's JSON artefacts: nothing reads them
    _finished_build(con)
    assert record_build(con, plan, "duckdb", {}) == 1
    yield con, settings
    con.close()


def test_files_since_the_recorded_build_select_everything_downstream_of_their_tables(warehouse):
    con, settings = warehouse
    _load(con, "health", "health__assessments")
    _load(con, "education", "education__vs_pep")
    _load(con, "health", "health__assessments")
    plan = plan_build(con, settings, AS_OF)
    assert plan.line == ("incremental build: 2 raw tables loaded since batch 2 (education__vs_pep, health__assessments; "
                         "authority 841): only what depends on them")
    assert plan.dbt_args() == ["--select", "source:*.education__vs_pep+", "source:*.health__assessments+",
                               "--exclude-resource-type", "unit_test", "--no-write-json"]
    # the warehouse holds 841 alone: no other authority's rows to keep, every table replaced whole
    assert (plan.authorities, plan.dbt_env()) == ((), {"CSW_BUILD_AUTHORITIES": ""})
    assert plan.heading("duckdb").startswith("dbt build (target duckdb, as of 2025-03-31), incremental build: 2 raw")
    assert (plan.last_batch_id, plan.loaded_rows) == (5, 5)


def test_an_incremental_build_names_the_authorities_of_its_files_unless_a_feed_is_shared(warehouse):
    con, settings = warehouse
    _load(con, "case_system", "case_system__ssd_person", "840")
    full = plan_build(con, settings, AS_OF)  # 840's first case-level file: every row of every model
    assert (full.mode, full.authorities, full.dbt_env()) == ("full", (), {"CSW_BUILD_AUTHORITIES": ""})
    _finished_build(con)
    record_build(con, full, "duckdb", {})

    _load(con, "health", "health__assessments", "841")
    one = plan_build(con, settings, AS_OF)
    # CSW_BUILD_AUTHORITIES: read by the table materialization when a model runs
    assert (one.authorities, one.dbt_env()) == (("841",), {"CSW_BUILD_AUTHORITIES": "841"})
    assert one.line.endswith("(health__assessments; authority 841): only what depends on it, only this "
                             "authority's rows where a model's rows are each authority's own")
    assert BuildPlan.from_dict(one.as_dict()) == one  # the task-per-model DAG's XCom

    _load(con, "health", "health__assessments", "840")
    both = plan_build(con, settings, AS_OF)  # both authorities the warehouse holds: every row
    assert (both.authorities, both.dbt_env()) == ((), {"CSW_BUILD_AUTHORITIES": ""})
    assert both.line.endswith("(health__assessments; authorities 840, 841): only what depends on it")
    _load(con, "case_system", "case_system__ssd_person", "839")  # a third authority's first file: full
    _finished_build(con)
    record_build(con, plan_build(con, settings, AS_OF), "duckdb", {})

    _load(con, "health", "health__assessments", "841")
    _load(con, "health", "health__assessments", "840")
    both = plan_build(con, settings, AS_OF)
    assert (both.authorities, both.dbt_env()) == (("840", "841"), {"CSW_BUILD_AUTHORITIES": "840,841"})
    assert both.line.endswith("(health__assessments; authorities 840, 841): only what depends on it, only these "
                              "authorities' rows where a model's rows are each authority's own")

    _load(con, "reference", "reference__population", "840")  # an area's figures, not 840's children: shared
    shared = plan_build(con, settings, AS_OF)
    assert shared.incremental and shared.tables == ("health__assessments", "reference__population")
    assert (shared.authorities, shared.dbt_env()) == ((), {"CSW_BUILD_AUTHORITIES": ""})
    assert shared.line.endswith(": only what depends on them, every authority's rows (reference is shared)")


def test_a_build_is_recorded_only_when_the_newest_dbt_build_succeeded(warehouse):
    con, settings = warehouse
    _load(con, "health", "health__assessments")
    plan = plan_build(con, settings, AS_OF)
    _finished_build(con, "error")
    assert record_build(con, plan, "duckdb", {}) is None
    assert con.execute("select build_id, mode, last_batch_id from dq.build_inputs").fetchall() == [(1, "full", 2)]
    assert plan_build(con, settings, AS_OF).line == ("full build: the last dbt build, build 2 (error), is not the "
                                                     "complete build 1 recorded")


def test_a_full_build_runs_the_unit_tests_until_they_have_passed_for_the_project(warehouse):
    con, settings = warehouse  # its recorded full build ran them: a pass for this project and target
    assert con.execute("select project_fingerprint, target, build_id from dq.unit_test_passes").fetchall() == [
        (project_fingerprint({"la_code": "841"}), "duckdb", 1)]
    again = plan_build(con, settings, date(2025, 4, 1))  # the next day: a full build
    assert again.line == "full build: as of 2025-04-01, the last build was as of 2025-03-31"
    assert again.dbt_args() == ["--exclude-resource-type", "unit_test", "--no-write-json"]
    assert again.heading("duckdb").endswith("; dbt unit tests skipped: they passed on build 1 for this dbt project")
    asked = plan_build(con, settings, AS_OF, full="asked for (--full)", unit_tests=True)
    assert asked.dbt_args() == ["--no-write-json"] and asked.heading("duckdb").endswith("; dbt unit tests run: asked")

    _finished_build(con)  # a build that skipped them records no pass
    assert record_build(con, again, "duckdb", {}) == 2
    _finished_build(con)  # nor one whose environment left them out (DBT_EXCLUDE_RESOURCE_TYPES, as the tests set)
    assert record_build(con, asked, "duckdb", {"DBT_EXCLUDE_RESOURCE_TYPES": "unit_test"}) == 3
    assert con.execute("select build_id from dq.unit_test_passes").fetchall() == [(1,)]

    # another dbt var (the home authority): another project, whose unit tests have not passed
    other = plan_build(con, replace(settings, la_code="840"), AS_OF, full="asked for (--full)")
    assert other.dbt_args() == ["--no-write-json"] and other.heading("duckdb").endswith(
        "; dbt unit tests run: not yet passed here for this dbt project")
    assert plan_build(con, settings, AS_OF, full="asked for (--full)", unit_tests=False).dbt_args() == [
        "--exclude-resource-type", "unit_test", "--no-write-json"]


def test_unit_tests_run_on_their_own_are_recorded_against_the_newest_build(warehouse):
    from csw.refresh import record_unit_tests

    con, settings = warehouse
    other = replace(settings, la_code="840")  # a project whose unit tests have not passed here
    assert plan_build(con, other, AS_OF, full="asked").unit_tests
    _finished_build(con)  # build 2: its tables are what `dbt test --select test_type:unit` ran beside
    assert record_unit_tests(con, other, passed=0) is None  # none ran: nothing recorded
    assert plan_build(con, other, AS_OF, full="asked").unit_tests
    assert record_unit_tests(con, other, passed=132) == 2
    assert plan_build(con, other, AS_OF, full="asked").heading("duckdb").endswith(
        "; dbt unit tests skipped: they passed on build 2 for this dbt project")


def test_asking_for_the_unit_tests_after_a_load_makes_the_build_full(warehouse):
    con, settings = warehouse
    _load(con, "health", "health__assessments")  # would be an incremental build, which runs no unit test
    assert plan_build(con, settings, AS_OF).incremental
    asked = plan_build(con, settings, AS_OF, unit_tests=True)
    assert asked.line == "full build: dbt unit tests asked for (--unit-tests)"
    assert asked.dbt_args() == ["--no-write-json"]


def test_another_authority_code_is_another_project(settings):
    from csw.dbt import dbt_vars

    # the as-of is no dbt var (it is compared on its own): the same project from one day to the next
    assert dbt_vars(settings) == {"la_code": "841"}
    assert project_fingerprint(dbt_vars(settings)) == project_fingerprint({"la_code": "841"})
    assert project_fingerprint({"la_code": "841"}) != project_fingerprint({"la_code": "840"})


def test_rekeying_forgets_the_recorded_builds(warehouse):
    from csw.refresh import forget

    con, settings = warehouse
    forget(con)
    _load(con, "health", "health__assessments")
    assert plan_build(con, settings, AS_OF).line == "full build: no complete build recorded (dq.build_inputs)"


def transform_task_with_dbt_stood_in(settings, monkeypatch) -> tuple[list[tuple[list[str], str]], object]:
    """The DAG's one build task (`csw.transform.RefreshingBuildOperator`) with dbt's run replaced by what its hooks
    leave (a successful build): the dbt flags and the authorities (CSW_BUILD_AUTHORITIES) of each run, and a function
    that runs the task once."""
    from cosmos.operators.local import DbtBuildLocalOperator

    from csw.transform import RefreshingBuildOperator

    ran: list[tuple[list[str], str]] = []

    def dbt_build(self, context, **kwargs):
        ran.append((list(self.dbt_cmd_flags), self.env["CSW_BUILD_AUTHORITIES"]))
        with connect(settings) as hooks:
            _finished_build(hooks)

    monkeypatch.setattr(DbtBuildLocalOperator, "execute", dbt_build)

    def transform() -> None:
        RefreshingBuildOperator(task_id="transform", project_dir=".", profile_config=None,
                                vars={"la_code": "841"}, env={"CSW_AS_OF": AS_OF.isoformat()}).execute({})

    return ran, transform


def test_the_cosmos_duckdb_task_plans_runs_and_records(warehouse, monkeypatch):
    monkeypatch.setenv("CSW_TARGET", "duckdb")
    con, settings = warehouse
    _load(con, "health", "health__assessments")
    con.close()  # the task opens the warehouse itself
    ran, transform = transform_task_with_dbt_stood_in(settings, monkeypatch)
    transform()
    with connect(settings) as con:
        _load(con, "case_system", "case_system__ssd_person", "840")  # a second authority: a full build
    transform()
    with connect(settings) as con:
        _load(con, "health", "health__assessments", "841")
    transform()  # 841's rows alone where a model's rows are each authority's own
    incremental = ["--select", "source:*.health__assessments+", "--exclude-resource-type", "unit_test",
                   "--no-write-json"]
    assert ran == [(incremental, ""), (["--exclude-resource-type", "unit_test", "--no-write-json"], ""),
                   (incremental, "841")]
    with connect(settings) as after:
        assert after.execute("select build_id, mode, last_batch_id from dq.build_inputs order by 1").fetchall() == [
            (1, "full", 2), (2, "incremental", 3), (3, "full", 4), (4, "incremental", 5)]


def _dbt_ls(settings, select: str, monkeypatch) -> set[str]:
    """The unique ids dbt itself selects (`dbt ls`), models, seeds, snapshots and data tests; the profile's
    environment set for the test only (a later test in the worker never reads this one's warehouse)."""
    from dbt.cli.main import dbtRunner

    from csw.dbt import dbt_env

    for name, value in dbt_env(settings, AS_OF).items():
        monkeypatch.setenv(name, value)
    result = dbtRunner().invoke(["ls", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                                 "--select", select, "--resource-type", "model", "seed", "snapshot", "test",
                                 "--output", "json", "--output-keys", "unique_id", "--quiet"])
    assert result.success, result.exception
    return {json.loads(line)["unique_id"] for line in result.result}


def test_the_server_transform_plans_skips_what_the_plan_leaves_and_records(warehouse, monkeypatch):
    """On Postgres with CSW_TRANSFORM_TASKS=model the Cosmos group builds a task per model: its `plan` task lists
    what dbt's own selection of the incremental plan picks, each model task skips itself unless listed, and `record`
    records the build."""
    from airflow.sdk.exceptions import AirflowSkipException

    from csw import transform
    from csw.dbt_manifest import manifest_path
    from csw.refresh import downstream_nodes

    manifest = manifest_path("duckdb")  # the same graph as the server target's, parsed for this adapter
    monkeypatch.setattr(transform, "manifest_path", lambda target: manifest)
    con, settings = warehouse
    _load(con, "health", "health__assessments")
    con.close()  # the tasks open the warehouse themselves
    planned = transform._plan.function("2025-03-31")
    assert planned["plan"]["mode"] == "incremental" and planned["plan"]["tables"] == ["health__assessments"]
    assert (planned["plan"]["unit_tests"], planned["plan"]["unit_tests_reason"]) == (
        False, "an incremental build never runs them")  # as the XCom shows it
    graph = json.loads(manifest.read_text())
    picked = {uid for uid in downstream_nodes(graph, ("health__assessments",)) if uid in graph["nodes"]}
    # dbt's own selection, node for node
    assert picked == _dbt_ls(settings, "source:*.health__assessments+", monkeypatch)
    assert "fqn:csw.marts.fct_indicator_values" in planned["select"]

    hooked = []

    def run_hook(select, base_cmd=("build",), xcom=planned):
        """The hook on a task of `select`; the dbt flags it leaves the task (the task: `hooked`)."""
        def xcom_pull(task_ids):
            assert task_ids == "transform.plan"
            return xcom

        task = SimpleNamespace(select=select, base_cmd=list(base_cmd), env={}, dbt_cmd_flags=["--quiet"])
        transform.skip_unplanned({"ti": SimpleNamespace(xcom_pull=xcom_pull), "task": task})
        hooked.append(task)
        return task.dbt_cmd_flags

    # downstream of the health file: runs, without the unit tests (an incremental build never runs them)
    without_unit_tests = ["--quiet", "--exclude-resource-type", "unit_test"]
    assert run_hook("fqn:csw.marts.fct_indicator_values") == without_unit_tests
    assert hooked[-1].env == {"CSW_BUILD_AUTHORITIES": ""}  # 841 is the warehouse's only authority: every row
    narrowed = {**planned, "plan": {**planned["plan"], "authorities": ["841"]}}  # as a hub's plan names it
    assert run_hook("fqn:csw.marts.fct_indicator_values", xcom=narrowed) == without_unit_tests
    assert hooked[-1].env == {"CSW_BUILD_AUTHORITIES": "841"}
    assert run_hook(["fqn:csw.staging.health.stg_health__assessments"]) == without_unit_tests
    assert run_hook("assert_breakdowns_add_up", base_cmd=("test",)) == ["--quiet"]  # a detached test: as it is
    with pytest.raises(AirflowSkipException, match="nothing it reads was loaded since the last build"):
        run_hook("fqn:csw.marts.fct_referrals")  # reads no health table: kept as built
    # a full build: every task runs; the unit tests too when they have not passed for this project, else not
    full = {"plan": {**planned["plan"], "mode": "full", "tables": [], "unit_tests": True}, "select": None}
    assert run_hook("fqn:csw.marts.fct_referrals", xcom=full) == ["--quiet"]
    nightly = {**full, "plan": {**full["plan"], "unit_tests": False}}
    assert run_hook("fqn:csw.marts.fct_referrals", xcom=nightly) == without_unit_tests

    with connect(settings) as hooks:
        _finished_build(hooks)  # what the model tasks' dbt hooks leave
    transform._record.function(json.loads(json.dumps(planned)))  # through XCom: JSON
    with connect(settings) as after:
        assert after.execute("select build_id, mode, last_batch_id from dq.build_inputs order by 1").fetchall() == [
            (1, "full", 2), (2, "incremental", 3)]
        assert plan_build(after, settings, AS_OF).line == "full build: nothing loaded since the last build (batch 3)"


def test_the_build_task_keeps_dbts_partial_parse_without_a_manifest(tmp_path):
    """Cosmos's own cache update copies dbt's manifest.json too, which a planned build does not write."""
    from csw.transform import RefreshingBuildOperator

    run = tmp_path / "run" / "target"
    run.mkdir(parents=True)
    (run / "partial_parse.msgpack").write_bytes(b"parsed")  # and no manifest.json beside it
    kept = tmp_path / "cache"
    task = RefreshingBuildOperator(task_id="transform", project_dir=".", profile_config=None, cache_dir=kept)
    task._update_partial_parse_cache(run.parent)
    assert (kept / "target" / "partial_parse.msgpack").read_bytes() == b"parsed"
    assert sorted(p.name for p in (kept / "target").iterdir()) == ["partial_parse.msgpack"]

    (run / "partial_parse.msgpack").unlink()  # a run that parsed nothing new to keep leaves the last one
    task._update_partial_parse_cache(run.parent)
    assert (kept / "target" / "partial_parse.msgpack").read_bytes() == b"parsed"
    no_cache = RefreshingBuildOperator(task_id="transform", project_dir=".", profile_config=None, cache_dir=None)
    no_cache._update_partial_parse_cache(run.parent)  # Cosmos's cache turned off: nothing kept, nothing fails
