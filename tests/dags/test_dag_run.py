"""`airflow dags test csw_pipeline` end to end on generated data in a temp dir (SQLite metadata, DuckDB)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.dags.conftest import BIN, run

pytestmark = pytest.mark.slow


def test_pipeline_dag_runs_end_to_end(airflow_home):
    env = {**airflow_home, **WITHOUT_DBT_UNIT_TESTS}  # the DAG's wiring is under test; `pipeline` runs dbt's unit tests
    landing = Path(env["CSW_LANDING"])
    generated = run([sys.executable, "-m", "csw.cli", "generate", "--out", str(landing), "--scale", "0.3", "--seed", "3"], env)
    assert generated.returncode == 0, generated.stderr
    conf = json.dumps({"landing": str(landing), "as_of": "2025-03-31"})
    result = run([str(BIN / "airflow"), "dags", "test", "csw_pipeline", "2025-03-31", "--conf", conf], env, timeout=1200)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    assert "state=success" in log

    con = duckdb.connect(env["CSW_WAREHOUSE"], read_only=True)
    loads = con.execute("select outcome, count(*) from raw._loads group by 1").fetchall()
    assert dict(loads) == {"loaded": 138}
    assert con.execute("select status from dq.runs").fetchall() == [("PASSED",)]
    quarters = con.execute(
        "select count(*) from marts.fct_indicator_values where period_type = 'quarter' and indicator_id = 'CLA_RATE'"
    ).fetchall()[0][0]
    assert quarters == 24
    folder = Path(env["CSW_OUTPUT"]) / "regional" / "841" / "2024-25Q4"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "return_841_2024-25Q4.csv", "return_841_2024-25Q4.xlsx"]
