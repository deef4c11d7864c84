"""The gate checks what it exports: the return is written only when the newest check run passed on the warehouse
as it is now. A load or a build (even one that died) since that run refuses the export with the reason, until
`csw check` runs again (foundation/state.py, dbt_project/macros/builds.sql)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from csw.cli import main
from tests.exports.conftest import LA, PERIOD, add_run, build_warehouse

PASSED_CHECKS = [("raw_case_system__contacts", "not_null_contact_date", "blocking", "passed", "0")]
PERSONS = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP1,M,2015-03-01,WBRI\nP2,F,2012-07-19,WBRI\n"


def _land(landing: Path, content: str, name: str = "ssd_person.csv") -> None:
    (landing / "case_system").mkdir(parents=True, exist_ok=True)
    (landing / "case_system" / name).write_text(content)


def _check(settings, run_id: str, started_at: datetime, status: str = "PASSED") -> None:
    """A dq run as `csw check` writes it: it records the warehouse state it found."""
    con = duckdb.connect(str(settings.warehouse))
    try:
        add_run(con, run_id, started_at, status, PASSED_CHECKS)
    finally:
        con.close()


def _export(out: Path, capsys) -> tuple[int, str]:
    code = main(["export", "regional", "--period", PERIOD, "--out", str(out)])
    return code, capsys.readouterr().err


@pytest.fixture
def gated(settings, tmp_path, capsys) -> Path:
    """The fixture marts as the DuckDB file of `settings`, one snapshot loaded, then a passed check run: the
    export is allowed. Returns the landing folder."""
    settings.warehouse.parent.mkdir(parents=True)
    build_warehouse(str(settings.warehouse)).close()
    landing = tmp_path / "landing"
    _land(landing, PERSONS)
    assert main(["ingest", "--landing", str(landing)]) == 0
    _check(settings, "run-3", datetime(2030, 1, 1, 9, 0))
    assert _export(tmp_path / "first", capsys) == (0, "")
    capsys.readouterr()
    return landing


def test_a_load_after_the_passed_check_refuses_the_export(gated, settings, tmp_path, capsys):
    _land(gated, PERSONS.splitlines(keepends=True)[0] + "P1,M,2015-03-01,WBRI\n")  # a truncated snapshot
    assert main(["ingest", "--landing", str(gated)]) == 0

    code, err = _export(tmp_path / "out", capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("csw: data changed since the last passed check run run-3 at 2030-01-01 09:00:00 UTC: "
                          "newest load case_system/ssd_person.csv (batch 2) at ")
    assert err.strip().endswith("; run `csw check`")
    assert not (tmp_path / "out" / "regional").exists()

    _check(settings, "run-4", datetime(2030, 1, 2, 9, 0))  # check again: the export goes ahead
    assert _export(tmp_path / "out", capsys) == (0, "")
    assert (tmp_path / "out" / "regional" / LA / PERIOD / "manifest.json").exists()


def test_a_quarantined_file_changes_nothing_and_the_export_goes_ahead(gated, settings, tmp_path, capsys):
    _land(gated, "not,the,contract\n1,2,3\n")
    assert main(["ingest", "--landing", str(gated)]) == 0
    assert (settings.quarantine_dir / "case_system").exists()
    assert _export(tmp_path / "out", capsys) == (0, "")


def test_a_build_after_the_passed_check_refuses_the_export_until_checked_again(gated, settings, tmp_path, capsys):
    from csw.dbt import run_dbt

    result = run_dbt("seed", settings, date(2025, 3, 31))  # any dbt invocation that writes records a build
    assert result.success, result.failures
    con = duckdb.connect(str(settings.warehouse))  # dbt's in-process connection has this configuration
    try:
        [(build_id, command, as_of, status)] = con.execute(
            "select build_id, command, as_of, status from dq.builds").fetchall()
    finally:
        con.close()
    assert (command, as_of, status) == ("seed", date(2025, 3, 31), "success")

    code, err = _export(tmp_path / "out", capsys)
    assert code == 1
    assert err.startswith("csw: data changed since the last passed check run run-3 at 2030-01-01 09:00:00 UTC: "
                          f"newest build {build_id} (dbt seed, as of 2025-03-31) started at ")
    assert ", finished; run `csw check`" in err and "newest load" not in err
    assert not (tmp_path / "out" / "regional").exists()

    _check(settings, "run-4", datetime(2030, 1, 2, 9, 0))
    assert _export(tmp_path / "out", capsys) == (0, "")


def _start_build(settings, build_id: int) -> None:
    """What dbt's on-run-start hook leaves when the build is killed before on-run-end: status 'started'."""
    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute("create table if not exists dq.builds (build_id bigint, invocation_id varchar, command varchar, "
                    "as_of date, started_at timestamp, finished_at timestamp, status varchar)")
        con.execute("insert into dq.builds values (?, 'killed', 'build', '2025-03-31', '2030-01-01 10:00:00', null, "
                    "'started')", [build_id])
    finally:
        con.close()


def test_a_build_that_died_refuses_the_export_before_and_after_a_check(gated, settings, tmp_path, capsys):
    _start_build(settings, 1)
    code, err = _export(tmp_path / "out", capsys)
    assert code == 1 and "newest build 1 (dbt build, as of 2025-03-31) started at 2030-01-01 10:00:00 UTC, not finished" in err

    _check(settings, "run-4", datetime(2030, 1, 1, 11, 0))  # checks pass on half-rebuilt marts: still refused
    code, err = _export(tmp_path / "out", capsys)
    assert code == 1
    assert err.strip() == ("csw: check run run-4 at 2030-01-01 11:00:00 UTC checked build 1 while it was not finished "
                           "(running, or killed): run `csw build`, then `csw check`")
    assert not (tmp_path / "out" / "regional").exists()


def test_a_passed_run_that_recorded_no_state_is_refused(gated, settings, tmp_path, capsys):
    con = duckdb.connect(str(settings.warehouse))
    try:
        add_run(con, "run-old-style", datetime(2030, 1, 3, 9, 0), "PASSED", PASSED_CHECKS)
        con.execute("update dq.runs set state_batch_id = null, state_build_id = null, state_build_status = null "
                    "where run_id = 'run-old-style'")
    finally:
        con.close()
    code, err = _export(tmp_path / "out", capsys)
    assert code == 1
    assert "check run run-old-style at 2030-01-03 09:00:00 UTC did not record which loads and build it checked" in err


def test_the_return_dags_write_task_refuses_a_stale_gate_and_alerts(gated, settings, tmp_path, smtp_server,
                                                                     monkeypatch):
    """`export__regional_return`'s write_return (exports.regional.job.write) after a load that followed its gate."""
    from foundation.settings import get_settings
    from exports.regional import job

    monkeypatch.setenv("CSW_ALERT_TO", "performance@example.org")
    _land(gated, PERSONS + "P3,F,2019-01-02,WBRI\n")
    assert main(["ingest", "--landing", str(gated)]) == 0
    with pytest.raises(job.ReturnBlocked, match=r"refused: data changed since the last passed check run run-3 .*"
                                                 r"newest load case_system/ssd_person\.csv \(batch 2\)"):
        job.write(get_settings(), PERIOD, tmp_path / "out", progress=lambda _: None)
    assert not (tmp_path / "out" / "regional").exists()
    [alert] = smtp_server
    assert alert["Subject"] == f"[csw] Regional return {LA} {PERIOD} blocked"
