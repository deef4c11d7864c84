"""`csw validate ssda903|cin`: what it prints, what it stores, its exit codes."""

from __future__ import annotations

import duckdb
import pytest

from csw.cli import main
from tests.dfe_validators.conftest import CIN_FILE, SSDA903_DIR


def test_validate_903_prints_the_summary_and_stores_the_findings(settings, validators_python, capsys):
    assert main(["validate", "ssda903", "--year", "2024-25", "--dir", str(SSDA903_DIR)]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("ssda903 2024-25: 17 findings (17 errors, 0 queries) on 3 children, 0 return-level; "
                            "ruleset lac2024_25 (305 rules, 1 could not run: 231); validator ")
    assert "356   error  1" in out and "567   error  1" in out and "209   error  3" in out
    assert str(settings.output_dir / "dfe_validation" / "ssda903_2024-25_error_report.xlsx") in out
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert con.execute("select child_id from dq.dfe_findings where rule_code = '356'").fetchall() == [("P1002",)]


def test_validate_without_an_export_says_how_to_make_one(settings, capsys):
    assert main(["validate", "cin", "--year", "2024-25"]) == 1
    err = capsys.readouterr().err
    assert err == (f"csw: no cin export for 2024-25 in {settings.output_dir}/cin/841/2024-25: run `csw export cin "
                   "--year 2024-25` or give the files with --dir/--file\n")


def test_validate_without_the_venv_is_one_line(settings, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CSW_VALIDATORS_PYTHON", str(tmp_path / "absent" / "python"))
    assert main(["validate", "cin", "--year", "2024-25", "--file", str(CIN_FILE)]) == 1
    assert capsys.readouterr().err == (f"csw: the DfE validators' venv is missing: no {tmp_path}/absent/python "
                                       "(run `make validators-venv`, or set CSW_VALIDATORS_PYTHON)\n")


def test_validate_refuses_a_bad_year_and_an_unknown_return(settings, capsys):
    assert main(["validate", "cin", "--year", "2024", "--file", str(CIN_FILE)]) == 1
    assert "collection year '2024': expected YYYY-YY" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse: exit 2
        main(["validate", "annex-a", "--year", "2024-25"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit):
        main(["validate", "cin", "--year", "2024-25", "--dir", "a", "--file", "b"])  # one or the other
