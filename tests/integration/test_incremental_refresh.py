"""Incremental refresh (issue 17 point 3, csw/refresh.py): a new file of one feed of one authority rebuilds only what
depends on it, and the result equals a full rebuild row for row.

The `pipeline` run's warehouse (one authority, 841, built in full by `csw run`, which records its build) is copied;
a new virtual-school attendance file for 841 is landed (a corrected quarter: some pupils' weeks restated with a
session moved from attended to unauthorised absence), ingested and built, which must be incremental; a copy of
that warehouse is rebuilt in full (`csw build --full`) from the very same raw rows, and every relation of staging,
intermediate and marts is compared with it both ways (`except all`). The fallbacks to a full build are then
planned on copies of the built warehouse (no dbt run).

Cost: a one-file ingest, one incremental build without unit tests (they ran in the `pipeline` run) and one full
build without any tests: the module took 77 s on the shared 2-core machine (load average 3-4, with the data tests
still in the full build), 62 s of it the fixture, 11 s the comparison of every relation."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from csw.refresh import BuildPlan, plan_build
from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import AS_OF, build_line, differences, run_csw

QUARTER_FILE = Path("education") / "vs_attendance_20250331.csv"  # the generated quarter of weekly attendance
CORRECTED = QUARTER_FILE.with_name("vs_attendance_20250330.csv")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("incremental_refresh")]


@dataclass
class Refreshed:
    before: Path  # the pipeline's warehouse, built in full
    incremental: Path  # then the corrected file loaded and built incrementally
    full: Path  # a copy of `incremental` rebuilt in full
    restated: int  # rows of the corrected file
    lines: dict[str, str]  # "incremental", "full": the build's line from csw build


def _write_corrected(quarter: Path, corrected: Path, pupils: int = 12) -> int:
    """The first `pupils` pupils' weeks of the quarter with a session attended moved to unauthorised absence (the
    sessions still add up to those possible); returns its rows."""
    with quarter.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    chosen = sorted({r["person_id"] for r in rows if int(r["attended_sessions"]) > 0})[:pupils]
    restated = [{**r, "attended_sessions": str(int(r["attended_sessions"]) - 1),
                 "unauthorised_absence_sessions": str(int(r["unauthorised_absence_sessions"]) + 1)}
                for r in rows if r["person_id"] in chosen and int(r["attended_sessions"]) > 0]
    with corrected.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(restated)
    return len(restated)


@pytest.fixture(scope="module")
def refreshed(pipeline, tmp_path_factory) -> Refreshed:
    base = tmp_path_factory.mktemp("incremental")
    landing, warehouse = base / "landing", base / "warehouse" / "csw.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(pipeline.warehouse, warehouse)
    env = {**pipeline.env, **WITHOUT_DBT_UNIT_TESTS, "CSW_WAREHOUSE": str(warehouse),
           "CSW_QUARANTINE": str(base / "quarantine")}
    (landing / CORRECTED).parent.mkdir(parents=True)
    restated = _write_corrected(pipeline.landing / QUARTER_FILE, landing / CORRECTED)
    ingested = run_csw(["ingest", "--landing", str(landing), "--as-of", AS_OF], env).stdout
    assert f"files loaded: 1 ({restated} rows)" in ingested, ingested
    lines = {"incremental": build_line(run_csw(["build", "--as-of", AS_OF], env).stdout)}

    full = base / "full" / "csw.duckdb"
    full.parent.mkdir()
    shutil.copy(warehouse, full)
    full_env = {**env, "CSW_WAREHOUSE": str(full), "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test test"}  # rows, not tests
    lines["full"] = build_line(run_csw(["build", "--as-of", AS_OF, "--full"], full_env).stdout)
    return Refreshed(pipeline.warehouse, warehouse, full, restated, lines)


def test_the_new_file_only_rebuilds_what_depends_on_it(refreshed):
    assert refreshed.restated > 20
    assert refreshed.lines["incremental"].startswith("dbt build (target duckdb, as of 2025-03-31), incremental build: "
                                                     "1 raw table loaded since batch ")
    assert refreshed.lines["incremental"].endswith("(education__vs_attendance; authority 841): only what depends on it")
    # the full rebuild leaves dbt's unit tests out by itself: they passed when the `pipeline` run built this project
    assert " full build: asked for (--full); dbt unit tests skipped: they passed on build " in refreshed.lines["full"]


def test_the_incremental_build_equals_a_full_rebuild_row_for_row(refreshed):
    found = differences(refreshed.incremental, refreshed.full)
    assert len(found) > 200  # every model of the project, the ten marts among them
    assert sum(name.startswith("marts.") for name in found) == 10
    assert {name: d for name, d in found.items() if d != (0, 0)} == {}


def test_the_new_file_changed_the_figures(refreshed):
    named = ("staging.stg_education__attendance_weeks", "marts.fct_indicator_values", "staging.stg_case_system__persons")
    found = differences(refreshed.before, refreshed.incremental, only=named)
    restated = found["staging.stg_education__attendance_weeks"]
    assert restated == (refreshed.restated, refreshed.restated)  # each restated week replaces the generated one
    assert min(found["marts.fct_indicator_values"]) > 0
    assert found["staging.stg_case_system__persons"] == (0, 0)


@pytest.fixture
def built(refreshed, tmp_path, settings):
    """A writable copy of the incrementally built warehouse (its last build recorded) and the tests' settings."""
    copy = tmp_path / "built.duckdb"
    shutil.copy(refreshed.incremental, copy)
    con = duckdb.connect(str(copy))
    yield con, settings
    con.close()


def _plan(built, as_of: date = date(2025, 3, 31)) -> BuildPlan:
    con, settings = built
    return plan_build(con, settings, as_of)


def _load(con, feed: str, table: str, la_code: str, outcome: str = "loaded") -> None:
    """A row of raw._loads as the loader writes it for a file (no raw rows: the plan reads raw._loads only)."""
    batch = con.execute("select max(batch_id) + 1 from raw._loads").fetchone()[0] if outcome == "loaded" else None
    con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, la_code) "
                "values ($1, $2, $3, 'x.csv', $4, $5)", [batch, feed, table, outcome, la_code])


def test_nothing_loaded_or_only_a_quarantined_file_rebuilds_everything(built):
    last = built[0].execute("select max(batch_id) from raw._loads").fetchone()[0]
    assert _plan(built).line == f"full build: nothing loaded since the last build (batch {last})"
    _load(built[0], "health", "health__assessments", "841", outcome="quarantined")
    assert _plan(built).line == f"full build: nothing loaded since the last build (batch {last})"


def test_a_changed_as_of_project_or_commentary_rebuilds_everything(built, monkeypatch):
    assert _plan(built, date(2025, 3, 30)).line == "full build: as of 2025-03-30, the last build was as of 2025-03-31"
    _load(built[0], "health", "health__assessments", "841")
    assert _plan(built).incremental  # the reference for what follows: one health file, incremental
    built[0].execute("insert into reporting.commentary (indicator_id, period_label, commentary, written_by, written_at) "
                     "values ('HLTH_IHA_20WD_PCT', '2024-25Q4', 'Staffing gap', 'a.officer', '2025-04-02 09:00')")
    assert _plan(built).line == "full build: the bank holidays or the commentary changed since the last build"
    monkeypatch.setattr("csw.refresh.project_fingerprint", lambda vars_: "a model was edited")
    assert _plan(built).line == "full build: the dbt project, its vars or dbt changed since the last build"


def test_a_failed_or_hand_run_build_since_rebuilds_everything(built):
    con = built[0]
    _load(con, "health", "health__assessments", "841")
    recorded = con.execute("select max(build_id) from dq.build_inputs").fetchone()[0]
    con.execute("insert into dq.builds (build_id, command, as_of, status) values ($1, 'build', '2025-03-31', 'error')",
                [recorded + 1])
    assert _plan(built).line == (f"full build: the last dbt build, build {recorded + 1} (error), is not the complete "
                                 f"build {recorded} recorded")


def test_an_authoritys_first_files_rebuild_everything(built):
    con = built[0]
    _load(con, "reference", "reference__population", "805")  # about areas: gives 805 no periods
    assert _plan(built).tables == ("reference__population",)
    _load(con, "partners", "partners__police_missing", "841")  # 841 already has case-level data
    assert _plan(built).incremental
    _load(con, "health", "health__assessments", "805")
    assert _plan(built).line == "full build: authority 805's first case-level file (health__assessments): its periods are new"


def test_an_authoritys_first_case_system_extract_rebuilds_everything(built):
    con = built[0]  # 805 sent health files before the last build, and now its first case_system extract
    last = con.execute("select last_batch_id from dq.build_inputs order by build_id desc limit 1").fetchone()[0]
    con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, la_code) "
                "values (0, 'health', 'health__assessments', 'early.csv', 'loaded', '805')")
    con.execute("update dq.build_inputs set loaded_rows = loaded_rows + 1 where last_batch_id = $1", [last])
    _load(con, "case_system", "case_system__ssd_person", "805")
    assert _plan(built).line == ("full build: authority 805's first case_system extract (case_system__ssd_person): "
                                 "its statutory sources give way")


def test_a_load_committed_below_the_recorded_batch_rebuilds_everything(built):
    con = built[0]
    last = con.execute("select last_batch_id from dq.build_inputs order by build_id desc limit 1").fetchone()[0]
    con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, la_code) "
                "values ($1, 'health', 'health__assessments', 'late.csv', 'loaded', '841')", [last])
    _load(con, "health", "health__assessments", "841")
    assert _plan(built).line == f"full build: raw._loads changed at or below batch {last} since the last build"
