"""Delivery and refusal of the scheduled return (exports.regional.job): the outbox is the quarter's folder, the
alliance gets its files by email byte for byte, and a refused quarter alerts the team and leaves the outbox."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from exports.regional import job
from tests.exports.conftest import LA, PERIOD, add_run, settings_now


def outbox_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_outbox_is_the_quarter_folder_and_email_attachments_are_identical(file_warehouse, smtp_server, tmp_path):
    settings = settings_now()
    files = job.write(settings, PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    assert files.by_authority[LA].folder == tmp_path / "out" / "regional" / LA / PERIOD
    assert job.deliver(settings, PERIOD, files.paths, progress=lambda _: None) is True

    [message] = smtp_server
    assert message["Subject"] == f"Regional return {LA} {PERIOD}"
    assert message["X-Envelope-To"] == "returns@alliance.example.org, analyst@example.org"
    assert "Darlington (841)" in next(message.iter_parts()).get_content()
    attached = {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}
    assert attached == outbox_bytes(files.by_authority[LA].folder)
    assert sorted(attached) == ["manifest.json", f"return_{LA}_{PERIOD}.csv", f"return_{LA}_{PERIOD}.xlsx"]


def test_no_alliance_address_keeps_the_return_in_the_outbox_only(file_warehouse, smtp_server, tmp_path, monkeypatch):
    monkeypatch.setenv("CSW_ALLIANCE_TO", "")
    settings = settings_now()
    files = job.write(settings, PERIOD, tmp_path / "out", la_codes=[LA], progress=lambda _: None)
    said: list[str] = []
    assert job.deliver(settings, PERIOD, files.paths, progress=said.append) is False
    assert smtp_server == [] and said == ["CSW_ALLIANCE_TO is empty: return not emailed"]


def test_refused_quarter_alerts_the_team_and_leaves_the_outbox_untouched(file_warehouse, smtp_server, tmp_path):
    import duckdb

    settings = settings_now()
    out = tmp_path / "out"
    files = job.write(settings, PERIOD, out, la_codes=[LA], progress=lambda _: None)
    before = outbox_bytes(files.by_authority[LA].folder)

    con = duckdb.connect(str(file_warehouse))
    add_run(con, "run-3", datetime(2025, 4, 15, 8, 0), "FAILED",
            [("raw_case_system__cla_episodes", "unique_episode_id", "blocking", "failed", "2")])
    con.close()
    with pytest.raises(job.ReturnBlocked, match="run-3 is FAILED: 1 blocking check"):
        job.write(settings, PERIOD, out, la_codes=[LA], progress=lambda _: None)

    assert outbox_bytes(files.by_authority[LA].folder) == before
    assert sorted(p.name for p in (out / "regional" / LA).iterdir()) == [PERIOD]  # no temporary folder left
    [alert] = smtp_server  # the one blocking alert (expectations.alerts): the check run's failures, Data Docs
    assert alert["Subject"] == f"[csw] Regional return {LA} {PERIOD} blocked: 1 blocking failure in case_system"
    assert alert["X-Envelope-To"] == "performance@example.org"
    body = next(alert.iter_parts()).get_content()
    assert "was NOT written" in body and "Nothing in the outbox changed" in body
    assert "Blocking failures (1):" in body and "raw_case_system__cla_episodes / unique_episode_id" in body
    assert "Data Docs" in body and "Check run: run-3" in body
    con = duckdb.connect(str(file_warehouse), read_only=True)
    alerted = con.execute("select run_id, kind, check_name from dq.alerts").fetchall()
    con.close()
    assert alerted == [("run-3", "blocking", "unique_episode_id")]  # recorded, as the digest's alerts are


def test_marts_missing_reason_names_what_the_sensor_waits_for(file_warehouse):
    settings = settings_now()
    assert job.marts_missing_reason(settings, PERIOD) is None
    assert job.marts_missing_reason(settings, "2025-26Q1") == (
        f"marts hold no 2025-26Q1 values for LA {LA} (built before 2025-06-30?)"
    )


def test_marts_missing_reason_never_creates_a_warehouse_file(tmp_path, monkeypatch):
    absent = tmp_path / "none" / "csw.duckdb"
    monkeypatch.setenv("CSW_WAREHOUSE", str(absent))
    assert job.marts_missing_reason(settings_now(), PERIOD) == f"warehouse {absent} not built yet"
    assert not absent.exists() and not absent.parent.exists()

