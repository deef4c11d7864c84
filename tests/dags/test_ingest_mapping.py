"""`ingest__<feed>` per authority on a server (dags/ingest_feeds.py): with CSW_TARGET=postgres each feed's DAG lists
the authorities (`authorities`) and maps one `load` over them (Airflow's dynamic task mapping, at most
CSW_INGEST_CONCURRENCY at once); on DuckDB the one `load` task stays the one writer. A real
`airflow dags test ingest__health` on Postgres expands `load` over a two-authority landing: one instance per
authority, named by its code, each loading its own file and emitting its own Asset event."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from foundation.settings import PROJECT_ROOT
from ingest.contracts import FEEDS
from tests.dags.conftest import BIN, migrated_airflow_env, run
from tests.ingest.test_authorities import LA_LIST, SECRET_840
from tests.ingest.test_feed_authorities import HEALTH
from tests.server.conftest import ETL_PASSWORD, connect_postgres_as, pg_cluster, pg_database

SERVER_FIXTURES = (pg_cluster, pg_database)  # the throwaway Postgres of tests/server, used here by name


def _ingest_dags(monkeypatch, target: str, **env: str) -> dict:
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("CSW_TARGET", target)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "ingest_feeds.py"))
    assert bag.import_errors == {}
    return {feed: bag.dags[f"ingest__{feed}"] for feed in FEEDS}


def test_on_postgres_each_feed_maps_one_load_over_its_authorities(monkeypatch):
    for feed, dag in _ingest_dags(monkeypatch, "postgres", CSW_INGEST_CONCURRENCY="3").items():
        assert {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} == {
            "wait_for_files": [], "authorities": ["wait_for_files"], "load": ["authorities"]}
        load = dag.get_task("load")
        assert load.is_mapped and not dag.get_task("authorities").is_mapped
        assert [op.task_id for op in load.iter_mapped_dependencies()] == ["authorities"]
        assert list(load.op_kwargs_expand_input.value) == ["authority"]  # one instance per entry of the list
        assert load.max_active_tis_per_dagrun == 3 and load.retries == 0
        assert [f"{type(o).__name__}:{o.name}" for o in load.outlets] == [f"AssetAlias:raw.{feed}"]
        assert dag.max_active_runs == 1


def test_on_duckdb_the_one_load_task_is_the_one_writer(monkeypatch):
    for dag in _ingest_dags(monkeypatch, "duckdb").values():
        assert {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks} == {
            "wait_for_files": [], "load": ["wait_for_files"]}
        assert not dag.get_task("load").is_mapped and dag.max_active_runs == 1


def test_a_concurrency_that_is_not_a_whole_number_is_refused(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("CSW_TARGET", "postgres")
    monkeypatch.setenv("CSW_INGEST_CONCURRENCY", "0")
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "ingest_feeds.py"))
    (error,) = bag.import_errors.values()
    assert "CSW_INGEST_CONCURRENCY='0': expected a whole number of at least 1" in error


def _metadata(env: dict[str, str], sql: str) -> list[tuple]:
    """Rows of the run's Airflow metadata (the SQLite database of `airflow_home`)."""
    con = sqlite3.connect(Path(env["AIRFLOW_HOME"]) / "airflow.db")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


MAPPED_LOADS = ("select map_index, rendered_map_index, state from task_instance where dag_id = 'ingest__health' "
                "and task_id = 'load' order by map_index")
EVENTS = ("select a.name, e.source_map_index, e.extra from asset_event e join asset a on a.id = e.asset_id "
          "where e.source_dag_id = 'ingest__health' order by e.source_map_index")


@pytest.mark.slow
def test_a_server_run_expands_load_over_a_two_authority_landing(pg_cluster, pg_database, tmp_path):
    # its own Airflow home: the session's keeps the asset events of test_ingest_dag_run's ingest__health (same date,
    # same run id), which would join this run's
    airflow_home = migrated_airflow_env(tmp_path)
    database = pg_database("csw")
    landing = tmp_path / "landing"
    for relative, text in {"841/reference/local_authorities.csv": LA_LIST,
                           "841/health/health_assessments_20250331.csv":
                               HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n",
                           "840/health/health_assessments_20250331.csv":
                               HEALTH + "H1,P7,IHA,2025-03-02,2025-03-29,,DNA\nH2,P8,IHA,2025-03-03,2025-03-30,,DNA\n"
                           }.items():
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        (landing / relative).write_text(text, encoding="utf-8")
    pg = pg_cluster.env(database, "etl", ETL_PASSWORD)
    env = {**airflow_home, **pg, "CSW_LANDING": str(landing), "CSW_QUARANTINE": str(tmp_path / "quarantine"),
           "CSW_PSEUDONYMISATION_SECRET_840": SECRET_840}

    result = run([str(BIN / "airflow"), "dags", "test", "ingest__health", "2025-03-31"], env, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "state=success" in log, log[-5000:]
    assert _metadata(env, MAPPED_LOADS) == [(0, "840", "success"), (1, "841", "success")]
    assert _metadata(env, EVENTS) == [("raw.health__assessments", 0, '{"date": "2025-03-31", "rows": 2}'),
                            ("raw.health__assessments", 1, '{"date": "2025-03-31", "rows": 1}')]
    con = connect_postgres_as(pg)
    try:
        assert con.execute("select _la_code, assessment_id from raw.health__assessments order by 1, 2").fetchall() \
            == [("840", "H1"), ("840", "H2"), ("841", "H1")]
        assert con.execute("select count(distinct batch_id), count(*) from raw._loads").fetchall() == [(2, 2)]
    finally:
        con.close()
