"""The statutory export DAGs run on the demo warehouse (the session `pipeline`'s, copied: the validation writes to
dq): `airflow dags test export__annex_a` with its required date, and `export__ssda903` on its 15 April 2025
schedule date — the collection year that ended before it, 2024-25 — export, the published validator in its own
venv (ExternalPythonOperator) and the error report by team into the same outbox folder, in its manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from foundation.settings import get_settings
from tests.dags import conftest as dags
from tests.dags.conftest import BIN, run

airflow_home = dags.airflow_home  # the session's Airflow metadata database, shared with tests/dags

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_airflow(pipeline, airflow_home, tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("statutory-dags")
    (base / "warehouse").mkdir()
    shutil.copy(pipeline.warehouse, base / "warehouse" / "csw.duckdb")
    return {**airflow_home, "CSW_WAREHOUSE": str(base / "warehouse" / "csw.duckdb"), "CSW_OUTPUT": str(base / "out")}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annex_a_runs_on_demand_for_the_given_date(demo_airflow):
    result = run([str(BIN / "airflow"), "dags", "test", "export__annex_a", "--conf", '{"as_of": "2025-03-31"}'],
                 demo_airflow)
    assert result.returncode == 0 and "state=success" in result.stdout + result.stderr, result.stderr[-4000:]
    folder = Path(demo_airflow["CSW_OUTPUT"]) / "annex_a" / "841" / "2025-03-31"
    assert sorted(p.name for p in folder.iterdir()) == ["annex_a_841_2025-03-31.xlsx", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"][0]["sha256"] == _sha256(folder / "annex_a_841_2025-03-31.xlsx")


def test_ssda903_runs_after_the_year_exports_validates_and_reports_in_one_folder(demo_airflow):
    python = get_settings().validators_python
    if not python.is_file():
        pytest.skip(f"no validators' venv at {python} (make validators-venv, or set CSW_VALIDATORS_PYTHON)")
    result = run([str(BIN / "airflow"), "dags", "test", "export__ssda903", "2025-04-15"],
                 {**demo_airflow, "CSW_VALIDATORS_PYTHON": str(python)})
    assert result.returncode == 0 and "state=success" in result.stdout + result.stderr, result.stderr[-4000:]
    folder = Path(demo_airflow["CSW_OUTPUT"]) / "ssda903" / "841" / "2024-25"  # the year that ended before
    report = folder / "ssda903_2024-25_error_report.xlsx"
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert entry["sha256"] == _sha256(folder / f"{entry['table']}.csv")
    con = duckdb.connect(demo_airflow["CSW_WAREHOUSE"], read_only=True)
    try:
        run_id, errors = con.execute("select r.run_id, count(*) from dq.dfe_runs r join dq.dfe_findings f "
                                     "on f.run_id = r.run_id where r.return_name = 'ssda903' group by 1").fetchone()
    finally:
        con.close()
    assert manifest["dfe_validation"]["file"] == report.name
    assert manifest["dfe_validation"]["sha256"] == _sha256(report)
    assert manifest["dfe_validation"]["run_id"] == run_id and manifest["dfe_validation"]["errors"] == errors > 0
    work = Path(demo_airflow["CSW_OUTPUT"]) / "dfe_validation" / "work"
    assert not work.exists() or list(work.iterdir()) == []  # the validator's work folder is removed
