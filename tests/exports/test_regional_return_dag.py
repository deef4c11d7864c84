"""`export__regional_return` end to end (`airflow dags test`, SQLite metadata, DuckDB) on the warehouse of the
session's `csw_pipeline` DAG run (generated data with the other North East authorities' returns): the quarter's
three files, a byte-stable re-run, backfill dates, the benchmark mart ranking us among the 12, and a planted
blocking defect that alerts and writes nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from tests.dags.conftest import BIN, airflow_env, run

pytestmark = pytest.mark.slow

DAG = "export__regional_return"
LA, PERIOD = "841", "2024-25Q4"
Q4_LOGICAL_DATE = "2025-01-01"  # the timetable's logical date of 2024-25Q4: its first day
NORTH_EAST = {"841", "840", "390", "805", "806", "391", "392", "929", "807", "393", "808", "394"}


@pytest.fixture(scope="module")
def demo(csw_pipeline_dag, tmp_path_factory) -> dict[str, str]:
    """A copy of the warehouse the session's `csw_pipeline` DAG run built (tests/conftest.py: generated extract and
    benchmarks, ingest, dbt, checks) and a migrated Airflow home of this module's own."""
    assert csw_pipeline_dag.returncode == 0, csw_pipeline_dag.log[-3000:]
    base = tmp_path_factory.mktemp("return_dag")
    env = airflow_env(base)
    env["CSW_OUTBOX"] = str(base / "outbox")
    shutil.copytree(Path(csw_pipeline_dag.env["CSW_WAREHOUSE"]).parent, Path(env["CSW_WAREHOUSE"]).parent)
    migrated = run([str(BIN / "airflow"), "db", "migrate"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env


def dags_test(env: dict[str, str], logical_date: str) -> tuple[int, str]:
    conf = json.dumps({"out": env["CSW_OUTBOX"]})
    result = run([str(BIN / "airflow"), "dags", "test", DAG, logical_date, "--conf", conf], env, timeout=900)
    return result.returncode, result.stdout + result.stderr


def folder_of(env: dict[str, str]) -> Path:
    return Path(env["CSW_OUTBOX"]) / "regional" / LA / PERIOD


def contents(folder: Path) -> dict[str, object]:
    """What a re-run must reproduce: csv bytes, every xlsx cell, the manifest — less when and by which dq run."""
    workbook = load_workbook(folder / f"return_{LA}_{PERIOD}.xlsx")
    cells = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    cells["Cover"] = [row for row in cells["Cover"] if row[0] not in ("generated_at (UTC)", "data quality run")]
    manifest = json.loads((folder / "manifest.json").read_text())
    for field in ("generated_at",):
        manifest.pop(field)
    manifest["data_quality"].pop("run_id")
    manifest["files"] = [{k: v for k, v in f.items() if not (f["name"].endswith(".xlsx") and k == "sha256")}
                         for f in manifest["files"]]
    return {"csv": (folder / f"return_{LA}_{PERIOD}.csv").read_bytes(), "xlsx": cells, "manifest": manifest}


def test_scheduled_quarter_writes_the_return_and_a_rerun_is_byte_stable(demo):
    code, log = dags_test(demo, Q4_LOGICAL_DATE)
    assert code == 0, log[-5000:]
    assert "data_interval_start=2025-01-01 00:00:00+00:00, data_interval_end=2025-04-01" in log
    assert "state=success" in log and "marts ready for 2024-25Q4" in log
    folder = folder_of(demo)
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", f"return_{LA}_{PERIOD}.csv", f"return_{LA}_{PERIOD}.xlsx"]
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["suppressed"] is True  # the scheduled return suppresses small numbers by default
    with open(folder / f"return_{LA}_{PERIOD}.csv", newline="") as f:
        for row in csv.DictReader(f):
            shown = [float(row[k]) for k in ("numerator", "denominator") if row[k]]
            if len(shown) == 2 and row["indicator_id"].endswith("_PCT"):
                shown.append(shown[1] - shown[0])  # the rest of the cohort
            assert not any(0 < x < 5 for x in shown), row
    first = contents(folder)

    code, log = dags_test(demo, Q4_LOGICAL_DATE)  # the quarter again, as a backfill would
    assert code == 0, log[-5000:]
    assert contents(folder) == first
    assert sorted(p.name for p in folder.parent.iterdir()) == [PERIOD]  # no temporary folder left behind


def test_backfill_creates_one_run_per_quarter_at_its_first_day(demo):
    result = run([str(BIN / "airflow"), "backfill", "create", "--dag-id", DAG, "--from-date", "2024-04-01",
                  "--to-date", "2025-03-31", "--reprocess-behavior", "completed", "--dry-run"], demo)
    assert result.returncode == 0, result.stderr[-3000:]
    dates = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| 20")]
    assert dates == ["2024-04-01 00:00:00+00:00", "2024-07-01 00:00:00+00:00", "2024-10-01 00:00:00+00:00",
                     "2025-01-01 00:00:00+00:00"]


def test_benchmark_mart_ranks_the_demo_authority_among_the_twelve(demo):
    con = duckdb.connect(demo["CSW_WAREHOUSE"], read_only=True)
    try:
        authorities = {r[0] for r in con.execute(
            "select distinct la_code from staging.stg_benchmarks__regional_returns where period_label = ?", [PERIOD]
        ).fetchall()}
        marts = con.execute(
            "select b.indicator_id, b.better, b.our_value, b.our_rank, b.our_quartile, b.authorities_reporting, "
            "b.authorities_suppressed from marts.fct_benchmarks b where b.period_label = ? order by 1", [PERIOD]
        ).fetchall()
        others = con.execute(
            "select indicator_id, value from staging.stg_benchmarks__regional_returns "
            "where period_label = ? and value is not null", [PERIOD]
        ).fetchall()
    finally:
        con.close()
    assert authorities | {LA} == NORTH_EAST
    assert len(marts) == 27
    ranked = [m for m in marts if m[1] in ("high", "low")]
    assert len(ranked) == 17
    for indicator_id, better, ours, rank, quartile, reporting, suppressed in ranked:
        assert reporting + suppressed == 12, indicator_id
        values = [v for i, v in others if i == indicator_id]
        better_than_us = sum(1 for v in values if (v > ours if better == "high" else v < ours))
        assert rank == better_than_us + 1, indicator_id  # independent of the SQL: count who beats us
        assert quartile == (4 * (rank - 1)) // reporting + 1
    assert {m[3] for m in marts if m[1] is None} == {None}


def test_blocking_defect_fails_the_run_alerts_and_leaves_the_outbox(demo, smtp_server):
    folder = folder_of(demo)
    if not folder.exists():
        assert dags_test(demo, Q4_LOGICAL_DATE)[0] == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    env = {**demo, "CSW_ALERT_TO": "performance@example.org",
           **{k: os.environ[k] for k in ("AIRFLOW_CONN_CSW_TEST_SMTP", "CSW_SMTP_CONN_ID")}}
    con = duckdb.connect(demo["CSW_WAREHOUSE"])  # plant: a person twice in the current extract
    con.execute("insert into raw.case_system__ssd_person select * from raw.case_system__ssd_person "
                "where _batch_id = (select max(_batch_id) from raw.case_system__ssd_person) limit 1")
    con.close()
    try:
        code, log = dags_test(env, Q4_LOGICAL_DATE)
    finally:
        con = duckdb.connect(demo["CSW_WAREHOUSE"])
        con.execute("delete from raw.case_system__ssd_person where rowid = (select max(rowid) from raw.case_system__ssd_person)")
        con.close()
    assert code != 0 and "regional return 2024-25Q4 blocked" in log, log[-5000:]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    [alert] = smtp_server
    assert alert["Subject"] == f"[csw] Regional return {LA} {PERIOD} blocked: 1 blocking failure in case_system"
    body = next(alert.iter_parts()).get_content()
    assert "expect_column_values_to_be_unique(pers_person_id)" in body
