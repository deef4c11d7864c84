"""Refusals: nothing is written, and what was written before is untouched."""

from datetime import datetime
from pathlib import Path

import pytest

from exports import ExportRefused


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_refused_when_the_latest_dq_run_failed(write_return, warehouse, record_run) -> None:
    files = write_return()
    before = _snapshot(files.folder)
    record_run(
        warehouse,
        "run-3",
        datetime(2025, 4, 15, 9, 0),
        "FAILED",
        [
            ("raw_case_system__contacts", "not_null_contact_date", "blocking", "failed", "12"),
            ("raw_case_system__cla_episodes", "unique_episode_id", "blocking", "passed", "0"),
            ("raw_health__assessments", "completed_date_not_future", "warning", "failed", "2"),
        ],
    )
    with pytest.raises(ExportRefused) as refused:
        write_return()
    message = str(refused.value)
    assert "\n" not in message
    assert "run-3" in message and "FAILED" in message
    assert "raw_case_system__contacts.not_null_contact_date" in message
    assert "unique_episode_id" not in message and "completed_date_not_future" not in message
    assert _snapshot(files.folder) == before
    assert [p.name for p in files.folder.parent.iterdir()] == ["2024-25Q4"]


def test_a_failed_run_refuses_a_new_quarter_too(write_return, warehouse, record_run, tmp_path) -> None:
    record_run(warehouse, "run-3", datetime(2025, 4, 15), "FAILED", [("s", "c", "blocking", "failed", "1")])
    with pytest.raises(ExportRefused, match="s.c"):
        write_return(period="2024-25Q3")
    assert not (tmp_path / "out").exists()


def test_refused_without_a_dq_run(write_return, warehouse, tmp_path) -> None:
    warehouse.execute("delete from dq.runs")
    with pytest.raises(ExportRefused, match="no data quality run"):
        write_return()
    warehouse.execute("drop schema dq cascade")
    with pytest.raises(ExportRefused, match="no data quality run"):
        write_return()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("period", ["2024-26Q1", "2024Q4", "2024-25Q5", "", "2025-01", "../2024-25Q4"])
def test_refused_for_a_malformed_period(write_return, tmp_path, period) -> None:
    with pytest.raises(ExportRefused, match="period"):
        write_return(period=period)
    assert not (tmp_path / "out").exists()


def test_refused_for_a_quarter_without_values(write_return, tmp_path) -> None:
    with pytest.raises(ExportRefused, match="2025-26Q1"):
        write_return(period="2025-26Q1")
    assert not (tmp_path / "out").exists()


def test_refused_for_another_authority_without_values(write_return) -> None:
    with pytest.raises(ExportRefused, match="999"):
        write_return(la_code="999")


@pytest.mark.parametrize("la_code", ["", "../841", "84 1"])
def test_refused_for_an_unsafe_la_code(write_return, la_code) -> None:
    with pytest.raises(ExportRefused, match="la_code"):
        write_return(la_code=la_code)
