"""The published validators run in their own venv on hand-written synthetic returns (data/): which rules fire
for which child, the DfE's classes, the rulesets' sizes, and the one-line reasons when they cannot run."""

from __future__ import annotations

import pytest

from expectations.dfe_validators.runner import (
    ValidatorError,
    ValidatorsMissing,
    check_year,
    input_files,
    registry,
    run_id_for,
    run_validator,
)
from tests.dfe_validators.conftest import CIN_FILE, DATA, SSDA903_DIR, YEAR


def _children(run, code: str) -> list[str]:
    return sorted({f.child_id for f in run.findings if f.rule_code == code})


def test_903_rules_fire_for_the_planted_child_only(run_903):
    # P1002's episode ceased (01/06/2024) before it started (10/06/2024); P1003's missing episode ended
    # (08/09/2024) before it started (10/09/2024); P1001 has neither
    assert _children(run_903, "356") == ["P1002"]
    assert _children(run_903, "567") == ["P1003"]
    (ceased,) = [f for f in run_903.findings if f.rule_code == "356"]
    assert (ceased.table_name, ceased.row_id, ceased.severity) == ("Episodes", "1", "error")  # 2nd data row
    assert ceased.message == "The date the episode ceased is before the date the same episode started."
    (missing,) = [f for f in run_903.findings if f.rule_code == "567"]
    assert (missing.table_name, missing.row_id, missing.columns) == ("Missing", "1", "MIS_START, MIS_END")
    # the header says UN1 (UPN unknown) for three school-age children: 209 for each, one finding per row
    assert _children(run_903, "209") == ["P1001", "P1002", "P1003"]
    assert run_903.ruleset == "lac2024_25" and run_903.rules_in_registry == 305
    assert {f.severity for f in run_903.findings} == {"error"}  # the 903 validator classes no rule as a query
    assert run_903.failed_rules == ["231"]  # needs the UASC table, which these files do not have
    assert run_903.children == ["P1001", "P1002", "P1003"]


def test_cin_rules_fire_for_the_planted_child_only_with_the_dfe_classes(run_cin):
    assert _children(run_cin, "4011") == ["P2002"]  # CIN plan ends 15/07 before it starts 01/08
    assert _children(run_cin, "8925") == ["P2003"]  # CP plan ends 20/08 before it starts 01/09
    (plan,) = [f for f in run_cin.findings if f.rule_code == "4011"]
    assert (plan.table_name, plan.child_id, plan.columns) == ("CINplanDates", "P2002", "CINPlanEndDate, CINPlanStartDate")
    assert plan.message == "CIN Plan End Date earlier than Start Date"
    query = [f for f in run_cin.findings if f.rule_code == "2991Q"]
    assert [(f.child_id, f.severity) for f in query] == [("P2003", "query")]
    assert run_cin.return_level == [{"rule_code": "2887Q", "rule_type": "query", "rule_description":
                                     "Please check and either amend or provide a reason: Less than 8 disability "
                                     "codes have been used in your return"}]
    assert run_cin.ruleset == "cin2024_25" and run_cin.rules_in_registry == 109 and run_cin.failed_rules == []
    assert run_cin.children == ["P2001", "P2002", "P2003"]
    assert run_cin.validator_seconds > 0 and run_cin.total_seconds >= run_cin.validator_seconds


def test_counts_by_rule_and_class(run_cin):
    counts = run_cin.counts()
    assert counts[0] == ("1530", "error", 3)  # most findings first
    assert ("2991Q", "query", 1) in counts and ("4011", "error", 1) in counts
    assert sum(n for _, _, n in counts) == len(run_cin.findings) == 11


def test_registries_of_the_installed_validators(validators_python):
    cin = registry("cin", YEAR, python=validators_python)
    assert len(cin) == 109
    assert sum(v == "query" for v in cin.values()) == 26 and cin["8525Q"] == "query" and cin["4011"] == "error"
    lac = registry("ssda903", YEAR, python=validators_python)
    assert len(lac) == 305 and set(lac.values()) == {"error"}


def test_the_same_files_give_the_same_run_id(tmp_path):
    files = input_files("ssda903", SSDA903_DIR)
    assert [p.name for p in files] == ["episodes.csv", "header.csv", "missing.csv"]
    assert run_id_for("ssda903", YEAR, files) == run_id_for("ssda903", YEAR, list(reversed(files)))
    assert run_id_for("ssda903", YEAR, files) != run_id_for("ssda903", "2023-24", files)
    changed = tmp_path / "header.csv"
    changed.write_text((SSDA903_DIR / "header.csv").read_text().replace("P1001,M", "P1001,F"))
    assert run_id_for("ssda903", YEAR, files) != run_id_for("ssda903", YEAR, [files[0], changed, files[2]])


@pytest.mark.parametrize("year", ["2024-26", "2024/25", "24-25", "2099-00x"])
def test_a_bad_year_is_refused_in_one_line(year):
    with pytest.raises(ValidatorError, match="expected YYYY-YY with consecutive years"):
        check_year(year)


def test_the_input_must_be_there(tmp_path):
    with pytest.raises(ValidatorError, match="no such file or folder"):
        input_files("ssda903", tmp_path / "absent")
    with pytest.raises(ValidatorError, match="no 903 CSV files in this folder"):
        input_files("ssda903", tmp_path)
    with pytest.raises(ValidatorError, match="expected one CIN census XML file, found 0"):
        input_files("cin", tmp_path)
    assert input_files("cin", DATA / "cin") == [CIN_FILE]


def test_a_missing_venv_is_one_clear_line(tmp_path):
    with pytest.raises(ValidatorsMissing) as caught:
        run_validator("cin", YEAR, CIN_FILE, python=tmp_path / "nowhere" / "bin" / "python")
    assert str(caught.value) == (f"the DfE validators' venv is missing: no {tmp_path}/nowhere/bin/python "
                                 "(run `make validators-venv`, or set CSW_VALIDATORS_PYTHON)")


def test_a_year_the_validator_has_no_rules_for(validators_python):
    with pytest.raises(ValidatorError) as caught:
        run_validator("cin", "2019-20", CIN_FILE, python=validators_python)
    assert str(caught.value).endswith("cin_validator has no 2019-20 ruleset (it has 2022-23, 2023-24, 2024-25, "
                                      "2025-26, 2026-27)")


def test_an_unreadable_file_fails_with_the_validators_reason(validators_python, tmp_path):
    broken = tmp_path / "census.xml"
    broken.write_text("<Message><Header>", encoding="utf-8")
    with pytest.raises(ValidatorError, match=r"^the cin validator failed on .*census.xml: .*ParseError"):
        run_validator("cin", YEAR, broken, python=validators_python)


def test_a_validator_that_takes_too_long_is_stopped(validators_python):
    with pytest.raises(ValidatorError, match=r"^the cin validator did not finish within 0.05 s$"):
        run_validator("cin", YEAR, CIN_FILE, python=validators_python, timeout=0.05)
