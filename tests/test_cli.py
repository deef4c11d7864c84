"""The command line: one-line reasons and exit codes (docs/specs/PRODUCT.md)."""

from __future__ import annotations

from datetime import date

from csw.cli import main


def test_missing_landing_folder_is_one_line_exit_1(settings, tmp_path, capsys):
    code = main(["ingest", "--landing", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"csw: landing folder {tmp_path / 'nowhere'} does not exist"


def test_export_refuses_before_any_check_has_run(settings, tmp_path, capsys):
    (tmp_path / "landing").mkdir()
    assert main(["ingest", "--landing", str(tmp_path / "landing")]) == 0
    code = main(["export", "regional", "--period", "2024-25Q4", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("csw: ") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "regional").exists()


def test_build_without_as_of_or_extract_says_what_to_do(settings, capsys):
    assert main(["build"]) == 1
    assert "pass --as-of YYYY-MM-DD" in capsys.readouterr().err


def test_last_complete_quarter():
    from foundation.periods import last_complete_quarter

    assert last_complete_quarter(date(2025, 3, 31)).label == "2024-25Q4"
    assert last_complete_quarter(date(2025, 3, 30)).label == "2024-25Q3"
    assert last_complete_quarter(date(2024, 7, 1)).label == "2024-25Q1"
    assert last_complete_quarter(date(2024, 6, 30)).label == "2024-25Q1"
    assert last_complete_quarter(date(2025, 1, 15)).label == "2024-25Q3"
