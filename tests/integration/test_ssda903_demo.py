"""`csw export ssda903` on the shared demo run (the `pipeline` fixture): both years written with the DfE's
columns, dd/mm/yyyy dates and the authority's own ids; the episodes cover every child the SSD has looked
after in the year and start at every legal-status change; and, when the validators' venv is there, Data to
Insight's validator (run once, through expectations/dfe_validators/runner.py) reads every 2024-25 file (no
unreadable file, no unmatched columns) and flags the same (rule, child) pairs as our native 903 rules."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from expectations.dfe_validators.compare import compare_run, report_lines, rule_map
from expectations.dfe_validators.runner import ValidationRun, run_validator
from exports.statutory.ssda903 import load_year
from foundation.settings import get_settings
from tests.integration.conftest import run_csw

DDMMYYYY = re.compile(r"\d{2}/\d{2}/\d{4}")
DATE_COLUMNS = {"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
                "DATE_PLACED_CEASED", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC"}


@pytest.fixture(scope="module")
def exported(pipeline, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ssda903")
    folders = {}
    for year in ("2023-24", "2024-25"):
        result = run_csw(["export", "ssda903", "--year", year, "--out", str(out)], pipeline.env)
        folders[year] = out / "ssda903" / "841" / year
        assert f"wrote {folders[year] / 'episodes.csv'}" in result.stdout
    return folders


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_year_is_one_file_per_table_with_the_dfes_columns_dates_and_ids(pipeline, exported):
    con = pipeline.connect()
    person_ids = {r[0] for r in con.execute("select person_id from raw._child_keys where la_code = '841'").fetchall()}
    for year, folder in exported.items():
        spec = load_year(year)
        assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t}.csv" for t in spec.tables] + ["manifest.json"])
        manifest = json.loads((folder / "manifest.json").read_text())
        for table, columns in spec.tables.items():
            with (folder / f"{table}.csv").open(newline="") as handle:
                assert tuple(next(csv.reader(handle))) == columns, (year, table)
            rows = _read(folder, table)
            assert {r["CHILD"] for r in rows} <= person_ids, (year, table)
            for column in DATE_COLUMNS & set(columns):
                assert all(DDMMYYYY.fullmatch(r[column]) for r in rows if r[column]), (year, table, column)
        assert {f["table"]: f["rows"] for f in manifest["files"]} == {t: len(_read(folder, t)) for t in spec.tables}
        text = "".join((folder / f"{t}.csv").read_text() for t in spec.tables)
        assert not re.search(r"[0-9a-f]{64}", text)  # no child_key
        header = _read(folder, "header")
        assert len({r["CHILD"] for r in header}) == len(header)
        every_child = {r["CHILD"] for t in spec.tables for r in _read(folder, t)}
        assert every_child == {r["CHILD"] for r in header}
    assert {r["SEX"] for r in _read(exported["2023-24"], "header")} <= {"1", "2", ""}
    assert {r["SEX"] for r in _read(exported["2024-25"], "header")} <= {"M", "F", "U"}


def test_episodes_cover_every_child_looked_after_in_the_year_and_start_at_each_status_change(pipeline, exported):
    con = pipeline.connect()
    start, end = date(2024, 4, 1), date(2025, 3, 31)
    in_care = con.execute(
        "select distinct k.person_id from staging.stg_case_system__cla_episodes e "
        "join raw._child_keys k on k.child_key = e.child_key and k.la_code = '841' "
        "where e.start_date <= $1 and (e.ceased_date is null or e.ceased_date >= $2)", [end, start]).fetchall()
    episodes = _read(exported["2024-25"], "episodes")
    assert {r["CHILD"] for r in episodes} == {r[0] for r in in_care}
    starts = {(r["CHILD"], r["DECOM"]): r for r in episodes}
    # a legal status that starts inside a period of care, in the year, with a code other than the one before it
    changes = con.execute(
        "select k.person_id, s.start_date, s.legal_status_code from staging.stg_case_system__legal_statuses s "
        "join raw._child_keys k on k.child_key = s.child_key and k.la_code = '841' "
        "join (select child_key, cla_id, min(start_date) as began, "
        "      case when count(*) = count(ceased_date) then max(ceased_date) end as ended "
        "      from staging.stg_case_system__cla_episodes group by child_key, cla_id) p "
        "  on p.child_key = s.child_key and s.start_date > p.began and (p.ended is null or s.start_date < p.ended) "
        "where s.start_date between $1 and $2 and not exists (select 1 from staging.stg_case_system__legal_statuses b "
        "  where b.child_key = s.child_key and b.legal_status_code = s.legal_status_code "
        "  and b.start_date < s.start_date and (b.end_date is null or b.end_date >= s.start_date))",
        [start, end]).fetchall()
    assert len(changes) > 20
    for person_id, day, code in changes:
        row = starts[(person_id, day.strftime("%d/%m/%Y"))]
        assert (row["LS"], row["RNE"]) in {(code, "L"), (code, "T")}, (person_id, day, row)
    by_child: dict[str, list[dict[str, str]]] = {}
    for row in episodes:
        by_child.setdefault(row["CHILD"], []).append(row)
    for rows in by_child.values():  # an X1 episode ends the day the next one starts
        for this, following in zip(rows, rows[1:]):
            if this["REC"] == "X1":
                assert this["DEC"] == following["DECOM"] and following["RNE"] in {"L", "P", "T"}


@pytest.fixture(scope="module")
def validated(exported) -> ValidationRun:
    """Data to Insight's 903 validator on the demo's 2024-25 files, once (expectations/dfe_validators/runner.py,
    as `csw validate` and the DAG run it), shared by the tests below."""
    python = get_settings().validators_python
    if not python.is_file():
        pytest.skip(f"no validators' venv at {python} (make validators-venv, or set CSW_VALIDATORS_PYTHON)")
    return run_validator("ssda903", "2024-25", exported["2024-25"], python=python)


def test_data_to_insights_validator_reads_every_file(exported, validated):
    """The run finished (an unreadable file or columns it cannot match are an UploadError: the runner raises)
    and no rule failed for want of a column, but 231."""
    header = {r["CHILD"] for r in _read(exported["2024-25"], "header")}
    assert validated.ruleset == "lac2024_25" and validated.rules_in_registry > 300
    # 231 reads Header.UASC_STATUS, a column the validator's own CSV reader never makes (it makes UASC)
    assert set(validated.failed_rules) <= {"231"}, validated.failed_rules
    assert set(validated.children) == header and validated.findings  # it read every child and ran its rules
    assert {f.child_id for f in validated.findings} <= header


def test_native_903_rules_flag_the_same_children_as_the_validator(pipeline, validated):
    """Issue 14 point 5 on the demo: for every native 903 rule with a DfE code, the same (rule, child) pairs."""
    con = pipeline.connect()
    try:
        agreements = compare_run(con, validated)
    finally:
        con.close()
    assert [a.native_code for a in agreements] == sorted(rule_map("ssda903")) and len(agreements) > 20
    assert [line for a in agreements if a.verdict != "agree" for line in report_lines([a])] == []
