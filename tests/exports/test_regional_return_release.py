"""A blocked quarter released by a named person (expectations/releases.py, `csw dq release`): recorded in
dq.releases, alerted to the team, printed on the return's cover and in its manifest; it holds only for the
data the check run saw and the blocking failures it named."""

from __future__ import annotations

import html
import json
from datetime import datetime

import duckdb
import pytest
from openpyxl import load_workbook

from csw.cli import main
from exports.regional import job
from expectations.verdicts import now as _now
from expectations.releases import ReleaseRefused, covering, release, releases
from expectations.results import CheckRun
from ingest.core.load import ensure_loads_table
from tests.exports.conftest import LA, PERIOD, add_run, settings_now

OVERLAP = ("dfe_validation", "903 501", "blocking", "failed", "1 records")
ORPHAN = ("staging_relationships", "cla_placements_start_within_an_episode", "blocking", "failed", "2 records")
BY, WHY = "A. Head of Service", "one overlapping episode, corrected in the case system next week"


def _blocked(warehouse_path, run_id="run-3", checks=(OVERLAP,), at=datetime(2025, 4, 15, 8, 0)) -> None:
    con = duckdb.connect(str(warehouse_path))
    try:
        add_run(con, run_id, at, "FAILED", list(checks))
    finally:
        con.close()


def _export(tmp_path, capsys) -> tuple[int, str]:
    code = main(["export", "regional", "--period", PERIOD, "--out", str(tmp_path / "out")])
    return code, capsys.readouterr().err


def test_a_release_lets_the_blocked_quarter_out_named_on_the_cover_and_in_the_manifest(
        file_warehouse, smtp_server, tmp_path, capsys):
    _blocked(file_warehouse)
    code, err = _export(tmp_path, capsys)
    assert code == 1 and err == (
        "csw: latest data quality run run-3 is FAILED: 1 blocking check(s) failed: dfe_validation.903 501 "
        f"(dfe_validation) (fix them, or release the quarter: csw dq release --period {PERIOD} --by NAME "
        "--reason TEXT)\n")

    assert main(["dq", "release", "--period", PERIOD, "--by", BY, "--reason", WHY]) == 0
    out = capsys.readouterr().out
    assert f"regional return {PERIOD} released by {BY} at " in out
    assert "against check run run-3 (1 blocking check(s)): " + WHY in out
    assert "sent to performance@example.org" in out

    [alert] = smtp_server  # the team is told, never a silent release
    assert alert["Subject"] == f"[csw] Regional return {LA} {PERIOD} released by {BY} despite 1 blocking failure"
    assert alert["X-Envelope-To"] == "performance@example.org"
    body = html.unescape(alert.get_body(preferencelist=("html", "plain")).get_content())
    assert f"Reason: {WHY}" in body and "Blocking failures released (1):" in body
    assert "check: dfe_validation / 903 501" in body

    code, err = _export(tmp_path, capsys)
    assert (code, err) == (0, "")
    folder = tmp_path / "out" / "regional" / LA / PERIOD
    manifest = json.loads((folder / "manifest.json").read_text())
    made = manifest["release"]
    assert (made["released_by"], made["reason"], made["run_id"], made["blocking_checks"]) == (
        BY, WHY, "run-3", ["dfe_validation / 903 501"])
    assert manifest["data_quality"]["status"] == "FAILED" and manifest["data_quality"]["blocking_failures"] == 1
    cover = dict(load_workbook(folder / f"return_{LA}_{PERIOD}.xlsx")["Cover"].iter_rows(min_row=2, values_only=True))
    assert cover["data quality status"] == "FAILED"
    assert cover["released despite blocking checks"] == f"by {BY} at {made['released_at'][:16].replace('T', ' ')} UTC"
    assert (cover["release reason"], cover["released against run"], cover["checks released"]) == (
        WHY, "run-3", "dfe_validation / 903 501")

    con = duckdb.connect(str(file_warehouse))
    try:
        assert con.execute("select kind, suite, check_name, recipients from dq.alerts").fetchall() == [
            ("release", "dfe_validation", "903 501", "performance@example.org")]
    finally:
        con.close()


def test_a_passed_quarter_has_no_release_on_its_cover(file_warehouse, tmp_path, capsys):
    assert _export(tmp_path, capsys) == (0, "")
    folder = tmp_path / "out" / "regional" / LA / PERIOD
    assert json.loads((folder / "manifest.json").read_text())["release"] is None
    cover = dict(load_workbook(folder / f"return_{LA}_{PERIOD}.xlsx")["Cover"].iter_rows(min_row=2, values_only=True))
    assert "released despite blocking checks" not in cover


def test_a_release_holds_for_the_same_data_and_failures_only(file_warehouse):
    _blocked(file_warehouse)
    con = duckdb.connect(str(file_warehouse))
    try:
        made = release(con, period=PERIOD, by=BY, reason=WHY)
        assert covering(con, PERIOD, "run-3") == made
        assert covering(con, "2024-25Q3", "run-3") is None  # another quarter
        # the scheduled gate checks again: the same data and the same failure are still released
        add_run(con, "run-4", datetime(2025, 4, 15, 9, 0), "FAILED", [OVERLAP])
        assert covering(con, PERIOD, "run-4") == made
        # a blocking failure the release did not name needs a new release
        add_run(con, "run-5", datetime(2025, 4, 15, 10, 0), "FAILED", [OVERLAP, ORPHAN])
        assert covering(con, PERIOD, "run-5") is None
        # so does new data: a load after the release
        con.execute("create schema raw")
        ensure_loads_table(con)
        con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, loaded_at) "
                    "values (99, 'case_system', 'case_system__ssd_person', 'ssd_person.csv', 'loaded', $1)",
                    [datetime(2025, 4, 16)])
        add_run(con, "run-6", datetime(2025, 4, 16, 9, 0), "FAILED", [OVERLAP])
        assert covering(con, PERIOD, "run-6") is None
        assert [r.run_id for r in releases(con)] == ["run-3"]
    finally:
        con.close()


def test_a_release_is_refused_without_who_why_a_blocked_run_or_someone_to_tell(file_warehouse, tmp_path, capsys,
                                                                               monkeypatch):
    con = duckdb.connect(str(file_warehouse))
    try:
        with pytest.raises(ReleaseRefused, match=r"check run run-2 has no blocking failure \(PASSED\): there is "
                                                 "nothing to release"):
            release(con, period=PERIOD, by=BY, reason=WHY)
        with pytest.raises(ReleaseRefused, match=r"needs who \(--by\) and why \(--reason\)"):
            release(con, period=PERIOD, by=" ", reason=WHY)
        with pytest.raises(ReleaseRefused, match="2024-25Q9"):
            release(con, period="2024-25Q9", by=BY, reason=WHY)
    finally:
        con.close()
    _blocked(file_warehouse)
    monkeypatch.setenv("CSW_ALERT_TO", "")
    assert main(["dq", "release", "--period", PERIOD, "--by", BY, "--reason", WHY]) == 1
    assert capsys.readouterr().err == ("csw: a release is always alerted to the team: set CSW_ALERT_TO "
                                       "(their address) first\n")
    con = duckdb.connect(str(file_warehouse))
    try:
        assert releases(con) == []
    finally:
        con.close()


def test_the_gate_lets_a_released_quarter_through_and_blocks_an_unreleased_one(
        file_warehouse, smtp_server, tmp_path, monkeypatch):
    """exports.regional.job.gate (the DAG's quality_gate task) after its own check run over the same data."""
    import expectations

    runs = iter(["run-4", "run-5"])

    def check_warehouse(settings, *, as_of=None, progress=None):  # the run `csw check` would store
        run_id = next(runs)
        _blocked(file_warehouse, run_id, at=datetime(2025, 4, 15, 9 + int(run_id[-1])))
        return CheckRun(run_id, datetime(2025, 4, 15).date(), _now(), _now(), "FAILED", 1, 1, 0)

    monkeypatch.setattr(expectations, "check_warehouse", check_warehouse)
    _blocked(file_warehouse)
    con = duckdb.connect(str(file_warehouse))
    try:
        release(con, period=PERIOD, by=BY, reason=WHY)
    finally:
        con.close()
    said: list[str] = []
    assert job.gate(settings_now(), PERIOD, progress=said.append) == "run-4"
    assert said[-1].startswith(f"regional return {PERIOD} released by {BY} at ")
    assert smtp_server == []  # released: no blocking alert

    con = duckdb.connect(str(file_warehouse))
    try:
        con.execute("delete from dq.releases")
    finally:
        con.close()
    with pytest.raises(job.ReturnBlocked, match=r"1 blocking data quality check\(s\) failed \(run run-5\)"):
        job.gate(settings_now(), PERIOD, progress=said.append)
    [alert] = smtp_server
    assert alert["Subject"].startswith(f"[csw] Regional return {LA} {PERIOD} blocked: 1 blocking failure")
