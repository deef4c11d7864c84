"""`airflow dags test csw_pipeline` end to end on generated data in a temp dir (SQLite metadata, DuckDB)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow


def test_pipeline_dag_runs_end_to_end(csw_pipeline_dag):
    """The session's one run (tests/conftest.py `csw_pipeline_dag`): generated data with the benchmarks feed."""
    env, log = csw_pipeline_dag.env, csw_pipeline_dag.log
    assert csw_pipeline_dag.returncode == 0, log[-5000:]
    assert "state=success" in log

    con = duckdb.connect(env["CSW_WAREHOUSE"], read_only=True)
    loads = con.execute("select feed, outcome, count(*) from raw._loads group by all order by 1").fetchall()
    benchmarks = 11 * 5 + 1  # the other North East authorities' returns for five quarters, and the published figures
    assert sum(n for feed, _, n in loads if feed != "benchmarks") == 138 and {o for _, o, _ in loads} == {"loaded"}
    assert ("benchmarks", "loaded", benchmarks) in loads
    assert con.execute("select status from dq.runs").fetchall() == [("PASSED",)]
    quarters = con.execute(
        "select count(*) from marts.fct_indicator_values where period_type = 'quarter' and indicator_id = 'CLA_RATE'"
    ).fetchall()[0][0]
    assert quarters == 24
    folder = Path(env["CSW_OUTPUT"]) / "regional" / "841" / "2024-25Q4"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "return_841_2024-25Q4.csv", "return_841_2024-25Q4.xlsx"]
