"""The CSV, the manifest, byte stability and the atomic replace of a quarter's folder."""

import hashlib
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

import exports.files
import exports.regional.write


def test_csv_rows(write_return) -> None:
    files = write_return()
    data = files.csv.read_bytes()
    assert b"\r" not in data and data.endswith(b"\n")
    assert data.decode("utf-8").splitlines() == [
        "la_code,period,indicator_id,numerator,denominator,value",
        f"841,2024-25Q4,REF_RATE,107,25000,{107 / 25000 * 10000!r}",
        f"841,2024-25Q4,ASMT_45WD_PCT,87,107,{100 * 87 / 107!r}",
        "841,2024-25Q4,CLA_STARTS,,,c",  # 3: suppressed by default, as everything that leaves
        "841,2024-25Q4,CLA_UASC_COUNT,0,,0",
        "841,2024-25Q4,CPP_SECOND_PCT,,,c",  # 2 of 30
        "841,2024-25Q4,HLTH_DENTAL_PCT,0,0,",
        "841,2024-25Q4,CL_EET_19_21_PCT,,,",
        f"841,2024-25Q4,WF_CASELOAD_AVG,357,20,{357 / 20!r}",
        "841,2024-25Q4,CONT_COUNT,1241,,1241",
    ]
    assert files.csv_rows == files.return_rows == 9
    assert float(data.decode().splitlines()[2].split(",")[-1]) == 100 * 87 / 107  # unrounded, round-trips


def test_manifest_matches_the_files_on_disk(write_return) -> None:
    files = write_return()
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    assert sorted(p.name for p in files.folder.iterdir()) == sorted(
        [files.workbook.name, files.csv.name, "manifest.json"]
    )
    assert [entry["name"] for entry in manifest["files"]] == [files.workbook.name, files.csv.name]
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256((files.folder / entry["name"]).read_bytes()).hexdigest()
    assert manifest["files"][0]["rows"] == {"Return": 9, "Data quality": 3, "Definitions": 9}
    assert manifest["files"][1]["rows"] == 9
    assert manifest["data_quality"] == {
        "run_id": "run-2", "status": "PASSED", "as_of": "2025-04-11", "checks_run": 3, "blocking_failures": 0,
        "warnings": 1,
    }
    assert (manifest["catalogue_version"], manifest["as_of"], manifest["generated_at"]) == (
        "2025.1", "2025-04-11", "2025-04-14T09:30:00Z",
    )
    assert (manifest["period"], manifest["period_start"], manifest["period_end"]) == (
        "2024-25Q4", "2025-01-01", "2025-03-31",
    )
    assert (manifest["suppressed"], manifest["suppression_off_reason"]) == (True, None)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_data_and_generated_at_give_identical_bytes(write_return, tmp_path) -> None:
    first = _contents(write_return(out_dir=tmp_path / "a").folder)
    second = _contents(write_return(out_dir=tmp_path / "b").folder)
    again = _contents(write_return(out_dir=tmp_path / "a").folder)
    assert first == second == again
    later = _contents(write_return(out_dir=tmp_path / "c", generated_at=datetime(2025, 4, 15, tzinfo=timezone.utc)).folder)
    assert later["return_841_2024-25Q4.xlsx"] != first["return_841_2024-25Q4.xlsx"]
    assert later["return_841_2024-25Q4.csv"] == first["return_841_2024-25Q4.csv"]


def test_workbook_timestamps_are_generated_at(write_return) -> None:
    files = write_return()
    with zipfile.ZipFile(files.workbook) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 4, 14, 9, 30, 0)}
    properties = load_workbook(files.workbook).properties
    assert properties.created == properties.modified == datetime(2025, 4, 14, 9, 30)


def test_generated_at_in_another_zone_is_written_as_utc(write_return) -> None:
    from datetime import timedelta

    summer = timezone(timedelta(hours=1))
    files = write_return(generated_at=datetime(2025, 4, 14, 10, 30, 15, 123, tzinfo=summer))
    manifest = json.loads(files.manifest.read_text())
    assert manifest["generated_at"] == "2025-04-14T09:30:15Z"


def test_rerun_replaces_the_quarter_folder(write_return, warehouse) -> None:
    files = write_return()
    (files.folder / "stray.txt").write_text("left by hand")
    warehouse.execute(
        "update marts.fct_indicator_values set value = 1300, numerator = 1300 "
        "where indicator_id = 'CONT_COUNT' and la_code = '841' and period_label = '2024-25Q4' and period_type = 'quarter'"
    )
    again = write_return()
    assert again.folder == files.folder
    assert sorted(p.name for p in again.folder.iterdir()) == sorted(p.name for p in again.paths)
    assert "841,2024-25Q4,CONT_COUNT,1300,,1300" in again.csv.read_text().splitlines()
    assert [p.name for p in files.folder.parent.iterdir()] == ["2024-25Q4"]  # no temporary folders left


def test_a_failure_while_writing_leaves_the_previous_files(write_return, warehouse, monkeypatch) -> None:
    files = write_return()
    before = _contents(files.folder)
    warehouse.execute("update marts.fct_indicator_values set value = value + 1")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports.regional.write, "_manifest", fail)  # after the xlsx and csv are written
    with pytest.raises(OSError, match="disk full"):
        write_return()
    assert _contents(files.folder) == before
    assert [p.name for p in files.folder.parent.iterdir()] == ["2024-25Q4"]


def test_a_failed_swap_restores_the_previous_folder(write_return, warehouse, monkeypatch) -> None:
    files = write_return()
    before = _contents(files.folder)
    warehouse.execute("update marts.fct_indicator_values set value = value + 1")
    real_rename = exports.files.os.rename

    def rename(source, target):
        if Path(source).name.startswith(".2024-25Q4.new-"):
            raise OSError("rename failed")
        real_rename(source, target)

    monkeypatch.setattr(exports.files.os, "rename", rename)
    with pytest.raises(OSError, match="rename failed"):
        write_return()
    monkeypatch.undo()
    assert _contents(files.folder) == before
    assert [p.name for p in files.folder.parent.iterdir()] == ["2024-25Q4"]


def test_a_failed_first_write_leaves_no_folder(write_return, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(exports.regional.write, "_manifest", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_return()
    assert list((tmp_path / "out" / "regional" / "841").iterdir()) == []
