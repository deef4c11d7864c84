"""`airflow dags test ingest__health` on a tiny landing folder: loads that date's file only, emits an Asset
event for the raw table it loaded, and a re-run of the same date is a no-op (no load, no event)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pytest

from tests.dags.conftest import BIN, run

pytestmark = pytest.mark.slow

HEALTH = "assessment_id,person_id,assessment_type,requested_date,due_date,completed_date,outcome\n"


def _dags_test(env: dict[str, str], dag_id: str, day: str) -> str:
    result = run([str(BIN / "airflow"), "dags", "test", dag_id, day], env, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "state=success" in log, log[-5000:]
    return log


def _events(env: dict[str, str]) -> list[tuple]:
    con = sqlite3.connect(Path(env["AIRFLOW_HOME"]) / "airflow.db")
    try:
        return con.execute("select a.name, e.source_dag_id, e.extra from asset_event e join asset a "
                           "on a.id = e.asset_id order by e.id").fetchall()
    finally:
        con.close()


def test_ingest_health_loads_the_days_file_and_a_rerun_is_a_no_op(airflow_home, tmp_path):
    env = {**airflow_home, "CSW_LANDING": str(tmp_path / "landing"),
           "CSW_WAREHOUSE": str(tmp_path / "warehouse" / "csw.duckdb"), "CSW_QUARANTINE": str(tmp_path / "quarantine")}
    folder = tmp_path / "landing" / "health"
    folder.mkdir(parents=True)
    (folder / "health_assessments_20250331.csv").write_text(HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n")
    (folder / "health_assessments_20250401.csv").write_text(HEALTH + "H2,P2,IHA,2025-03-02,2025-03-29,,DNA\n")
    before = len(_events(env))

    log = _dags_test(env, "ingest__health", "2025-03-31")
    assert "files loaded: 1 (1 rows), duplicates skipped: 0, quarantined: 0" in log
    con = duckdb.connect(env["CSW_WAREHOUSE"], read_only=True)
    loads = con.execute("select file_name, outcome from raw._loads").fetchall()
    rows = con.execute("select assessment_id from raw.health__assessments").fetchall()
    con.close()
    assert loads == [("health_assessments_20250331.csv", "loaded")]  # the next day's file waits for its run
    assert rows == [("H1",)]
    events = _events(env)[before:]
    assert events == [("raw.health__assessments", "ingest__health", '{"date": "2025-03-31", "rows": 1}')]

    log = _dags_test(env, "ingest__health", "2025-03-31")
    assert "files loaded: 0 (0 rows), duplicates skipped: 1, quarantined: 0" in log
    con = duckdb.connect(env["CSW_WAREHOUSE"], read_only=True)
    assert con.execute("select assessment_id from raw.health__assessments").fetchall() == [("H1",)]
    con.close()
    assert _events(env)[before:] == events  # nothing new loaded, no asset event: the transform is not triggered
