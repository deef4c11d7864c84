"""Our native DfE rules on SSDA903 input (issue 15 point 6): the demo's 2024-25 903 export (the shared `pipeline`
run's), with a few hand-written error rows planted below, loaded into a fresh warehouse as its only case-system
source. Our rules then read the SSD-shaped staging the 903 fills (macros/statutory_sources.sql); Data to Insight's
903 validator reads the SAME files; every rule code both implement must flag the same children, except the three
whose verdict cannot agree on 903 input, each for the reason named in CANNOT_AGREE (docs/dfe-validators.md).
357 agrees because it judges only episodes from the first year landed (the year's file also holds episodes begun
before it, which the validator does not judge): `_continued_from_before` are the children that would differ.

One validator run (about 15 s) and one staging-only dbt run (about 40 s) for the module: the other 903 validator
runs in the suite read the hand-written files of tests/dfe_validators (no demo rows) or the DAG's own export (no
planted errors, and REC/CIN codes our loader refuses), so neither can be shared here."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from expectations.dfe_validators.compare import RuleAgreement, compare, native_pairs, rule_map, validator_pairs
from expectations.dfe_validators.runner import ValidationRun, run_validator
from tests.dfe_validators import conftest as dfe_validators
from tests.integration.conftest import ROOT, pipeline_env, run_csw
from tests.integration.test_ssda903_round_trip import _correct

validators_python = dfe_validators.validators_python  # the session's venv fixture, shared with tests/dfe_validators

YEAR = "2024-25"
YEAR_START = date(2024, 4, 1)


def _header(child: str, dob: str, sex: str = "F") -> dict[str, str]:
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": "WBRI"}


def _episode(child: str, decom: str, rne: str, ls: str = "C2", dec: str = "", rec: str = "") -> dict[str, str]:
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1",
            "DEC": dec, "REC": rec, "URN": "SC000001"}


def _child(child: str, dob: str, *episodes: dict[str, str], **tables: list[dict[str, str]]) -> dict[str, list]:
    return {"header": [_header(child, dob)], "episodes": list(episodes), **tables}


def _missing(child: str, dob: str, start: str, end: str, kind: str = "M") -> dict[str, str]:
    return {"CHILD": child, "DOB": dob, "MISSING": kind, "MIS_START": start, "MIS_END": end}


def _review(child: str, dob: str, day: str, code: str) -> dict[str, str]:
    return {"CHILD": child, "DOB": dob, "REVIEW": day, "REVIEW_CODE": code}


# One child per rule, its rows written as an authority's case system would (dd/mm/yyyy, the year's codes); the
# comment says what breaks the rule. The collection year is 01/04/2024 - 31/03/2025.
PLANTED: dict[str, dict[str, list[dict[str, str]]]] = {
    "Q0142": _child("Q0142", "01/01/2015", _episode("Q0142", "01/05/2024", "S"),  # never ceased, yet
                    _episode("Q0142", "01/07/2024", "P")),  # a later episode (P after no ceased episode: 433 too)
    "Q0148": _child("Q0148", "01/01/2015", _episode("Q0148", "01/05/2024", "S", dec="01/06/2024")),  # DEC, no REC
    "Q0302": _child("Q0302", "01/06/2024", _episode("Q0302", "10/05/2024", "S")),  # starts before birth
    "Q0352": _child("Q0352", "01/01/2006", _episode("Q0352", "01/05/2024", "S")),  # starts care aged 18
    "Q0356": _child("Q0356", "02/07/2012", _episode("Q0356", "10/06/2024", "S", dec="01/06/2024", rec="E13")),
    "Q0357": _child("Q0357", "01/01/2015", _episode("Q0357", "01/05/2024", "P")),  # first ever episode, not S
    "Q0358": _child("Q0358", "01/01/2018", _episode("Q0358", "01/05/2024", "S", ls="J1")),  # J1 aged 6
    "Q0361": _child("Q0361", "01/01/2015", _episode("Q0361", "01/05/2024", "S", ls="L1", dec="10/05/2024", rec="X1"),
                    _episode("Q0361", "10/05/2024", "L")),  # police protection for 9 days
    "Q0386": _child("Q0386", "01/01/2006", _episode("Q0386", "01/12/2023", "S", ls="E1", dec="01/06/2024",
                                                    rec="E11")),  # adopted after turning 18
    "Q0387": _child("Q0387", "01/01/2015", _episode("Q0387", "01/05/2024", "S", dec="01/06/2024", rec="E5")),
    "Q0388": _child("Q0388", "01/01/2015", _episode("Q0388", "01/05/2024", "S", dec="01/06/2024", rec="X1")),
    "Q0431": _child("Q0431", "01/01/2015", _episode("Q0431", "01/05/2024", "S", dec="01/06/2024", rec="E13"),
                    _episode("Q0431", "01/06/2024", "S")),  # S the day the last ended (and that one not X1: 388)
    "Q0433": _child("Q0433", "01/01/2015", _episode("Q0433", "01/05/2024", "S", dec="01/06/2024", rec="X1"),
                    _episode("Q0433", "05/06/2024", "P")),  # continuation 4 days later (X1 without one: 388)
    "Q0437": _child("Q0437", "01/01/2015", _episode("Q0437", "01/05/2024", "S", dec="01/06/2024", rec="E2"),
                    _episode("Q0437", "01/07/2024", "S")),  # an episode after the child died
    "Q0440": _child("Q0440", "01/01/2015", _episode("Q0440", "01/05/2024", "S"),
                    reviews=[_review("Q0440", "01/01/2015", "01/10/2024", "PN0")]),  # PN0 (under 4) aged 9
    "Q0441": _child("Q0441", "01/01/2022", _episode("Q0441", "01/05/2024", "S"),
                    reviews=[_review("Q0441", "01/01/2022", "01/10/2024", "PN1")]),  # PN1 (4 or over) aged 2
    "Q0501": _child("Q0501", "01/01/2015", _episode("Q0501", "01/05/2024", "S", dec="01/08/2024", rec="X1"),
                    _episode("Q0501", "01/07/2024", "P")),  # overlaps the previous one (388 and 433 too)
    "Q0567": _child("Q0567", "01/01/2012", _episode("Q0567", "01/05/2024", "S"),
                    missing=[_missing("Q0567", "01/01/2012", "10/09/2024", "08/09/2024")]),  # ends before it starts
    "Q0574": _child("Q0574", "01/01/2012", _episode("Q0574", "01/05/2024", "S"),
                    missing=[_missing("Q0574", "01/01/2012", "01/08/2024", ""),  # still open when
                             _missing("Q0574", "01/01/2012", "05/08/2024", "06/08/2024", "A")]),  # the next starts
    "Q0586": _child("Q0586", "01/01/2012", _episode("Q0586", "01/05/2024", "S"),
                    missing=[_missing("Q0586", "01/01/2012", "01/12/2011", "02/12/2011")]),  # before birth
    # the 903 tables the SSD-shaped staging does not take (CANNOT_AGREE): their rules fire only in the validator
    "Q0184": _child("Q0184", "01/01/2020", _episode("Q0184", "01/05/2024", "S", ls="E1"),  # decided before birth,
                    placed_for_adoption=[{"CHILD": "Q0184", "DOB": "01/01/2020", "DATE_PLACED": "01/12/2019"}]),
    "Q0304": _child("Q0304", "01/01/2006", _episode("Q0304", "01/05/2023", "S", dec="01/06/2024", rec="E13"),
                    uasc=[{"CHILD": "Q0304", "SEX": "F", "DOB": "01/01/2006", "DUC": "01/06/2024"}]),  # UASC at 18
}

# (rule, planted child) both sides flag: each rule's own child, and the children whose rows break it as a side effect
BOTH_FLAG = {(child[1:].lstrip("0"), child) for child in PLANTED if child not in ("Q0184", "Q0304")} | {
    ("388", "Q0431"), ("388", "Q0433"), ("388", "Q0501"), ("433", "Q0142"), ("433", "Q0501")}

# The rule codes whose verdict cannot agree on 903 input, and why (asserted below, side by side).
CANNOT_AGREE = {
    "184": "placed_for_adoption (the decision to place for adoption) is not mapped onto the SSD-shaped permanence "
           "model, so our rule has no row to read; the validator reads the file",
    "1003": "as 184: placed_for_adoption is not mapped onto permanence",
    "304": "the UASC table (the date UASC status ceased) is not mapped onto immigration statuses (it has no start "
           "date, docs/statutory/sources.md)",
}


def _plant(folder: Path) -> None:
    """Append each planted child's rows to the export's file of the table, in the file's own line endings."""
    for tables in PLANTED.values():
        for table, rows in tables.items():
            path = folder / f"{table}.csv"
            with path.open(newline="", encoding="utf-8") as handle:
                columns = next(csv.reader(handle))
            with path.open("a", newline="", encoding="utf-8") as handle:
                csv.DictWriter(handle, columns, restval="", lineterminator="\n").writerows(rows)


@dataclass
class BothSides:
    folder: Path  # the 903 files both read
    run: ValidationRun
    agreements: dict[str, RuleAgreement]


@pytest.fixture(scope="module")
def both_sides(pipeline, validators_python, tmp_path_factory) -> BothSides:
    base = tmp_path_factory.mktemp("native_903")
    run_csw(["export", "ssda903", "--year", YEAR, "--out", str(base / "export")], pipeline.env)
    folder = base / "landing" / "ssda903" / YEAR
    shutil.copytree(base / "export" / "ssda903" / "841" / YEAR, folder, ignore=shutil.ignore_patterns("manifest.json"))
    _correct(folder / "episodes.csv")  # the codes no 903 year lists, corrected as an authority would
    _plant(folder)
    env = pipeline_env(base)
    run_csw(["ingest", "--landing", str(base / "landing")], env)
    # the SSD-shaped staging models and the 903 models they read: all the native rules need
    code = ("import sys; from datetime import date; from csw.dbt import run_dbt; "
            "from foundation.settings import get_settings; "
            "r = run_dbt('run', get_settings(), date(2025, 3, 31), ['--select', '+path:models/staging/case_system']); "
            "sys.exit(0 if r.success else str(r.failures))")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, timeout=900)
    with duckdb.connect(env["CSW_WAREHOUSE"], read_only=True) as con:
        assert con.execute("select count(*) from raw._loads where feed = 'case_system'").fetchone() == (0,)
        native = native_pairs(con, "ssda903")
    run = run_validator("ssda903", YEAR, folder, python=validators_python)
    agreements = compare(native, validator_pairs(run.findings), rule_map("ssda903"), children=run.children)
    return BothSides(folder, run, {a.native_code: a for a in agreements})


def _continued_from_before(folder: Path) -> set[str]:
    """Children whose earliest episode in the year's file began before the year with a code other than S."""
    first: dict[str, tuple[date, str]] = {}
    with (folder / "episodes.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day, month, year = map(int, row["DECOM"].split("/"))
            start = date(year, month, day)
            if row["CHILD"] not in first or start < first[row["CHILD"]][0]:
                first[row["CHILD"]] = (start, row["RNE"])
    return {child for child, (start, rne) in first.items() if start < YEAR_START and rne != "S"}


def test_every_paired_rule_flags_the_same_children_on_903_input(both_sides):
    agreements = both_sides.agreements
    assert set(agreements) == set(rule_map("ssda903")) and len(agreements) == 26
    differ = {code for code, a in agreements.items() if a.verdict != "agree"}
    assert differ == set(CANNOT_AGREE), {code: agreements[code] for code in differ}
    planted = {(code, child) for code, a in agreements.items() for child in a.agree if child in PLANTED}
    assert planted == BOTH_FLAG
    assert both_sides.run.failed_rules == ["231"]  # the validator's own bug (a column no 2024-25 table has)


def test_the_rules_that_cannot_agree_differ_exactly_as_explained(both_sides):
    a = both_sides.agreements
    for code in ("184", "1003"):
        assert (a[code].agree, a[code].only_native, a[code].only_validator) == (set(), set(), {"Q0184"})
    assert (a["304"].agree, a["304"].only_native, a["304"].only_validator) == (set(), set(), {"Q0304"})


def test_357_judges_only_first_episodes_inside_the_years_landed(both_sides):
    """Children looked after on 1 April have their earliest episode of the file begun before the year, mostly with a
    continuation code: neither side flags them (ours once did, ~40 % of children); the planted Q0357 both do."""
    a = both_sides.agreements
    continued = _continued_from_before(both_sides.folder)
    assert len(continued) > 100  # most children looked after on 1 April: none flagged by either side
    assert (a["357"].agree, a["357"].only_native, a["357"].only_validator) == ({"Q0357"}, set(), set())
