"""The validators' findings in dq (idempotent per run) and the per-team error report built from them."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from csw.validate import latest_export, store_validation
from expectations.dfe_validators.runner import ValidatorError
from exports.dfe_error_report import NO_TEAM, Allocation, _sheet_name, allocations_for, teams_for

INVOLVEMENTS = [  # involvement_id, worker, child_key, start, end, team
    ("I1", "W1", "k2001", date(2024, 1, 1), date(2024, 6, 30), "T1"),
    ("I2", "W2", "k2001", date(2024, 7, 1), date(2025, 3, 31), "T2"),  # ends on the year's last day: still open then
    ("I3", "W3", "k2002", date(2023, 5, 1), date(2024, 10, 1), "T1"),  # none open on 31/03/2025: the latest begun by then
    ("I4", "W4", "k2002", date(2025, 5, 1), None, "T3"),  # begins after the year
    ("I5", "W5", "k9999", date(2024, 1, 1), None, "T3"),  # another child
]


def _staging(path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema staging; create schema raw")
    con.execute("create table raw._child_keys (la_code varchar, person_id varchar, child_key varchar)")
    con.executemany("insert into raw._child_keys values ($1, $2, $3)",
                    [("841", "P2001", "k2001"), ("841", "P2002", "k2002"), ("841", "P2003", "k2003"),
                     ("999", "P2003", "k9999")])  # another authority's child with the same id: not ours
    con.execute("create table staging.stg_case_system__involvements (involvement_id varchar, professional_id "
                "varchar, child_key varchar, start_date date, end_date date, team_id varchar)")
    con.executemany("insert into staging.stg_case_system__involvements values ($1, $2, $3, $4, $5, $6)",
                    INVOLVEMENTS)
    con.execute("create table staging.stg_case_system__departments (team_id varchar, team_name varchar, "
                "parent_team_id varchar)")
    con.executemany("insert into staging.stg_case_system__departments values ($1, $2, null)",
                    [("T1", "Assessment Team 1"), ("T2", "Children in Need Team"), ("T3", "Disabled Children")])
    con.close()


@pytest.fixture
def stored(settings, run_cin):
    settings.warehouse.parent.mkdir(parents=True)
    _staging(settings.warehouse)
    first = store_validation(run_cin, settings)
    again = store_validation(run_cin, settings)  # the same run stored twice: one copy
    return settings, again, first


def test_teams_follow_the_involvement_open_at_the_year_end(settings):
    settings.warehouse.parent.mkdir(parents=True)
    _staging(settings.warehouse)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    teams = teams_for(con, "841", ["P2001", "P2002", "P2003", ""], date(2025, 3, 31))
    assert teams == {"P2001": "Children in Need Team", "P2002": "Assessment Team 1"}
    # a day later I2 has ended and I4 has not begun: P2001's latest begun involvement is still I2
    assert teams_for(con, "841", ["P2001"], date(2025, 4, 1)) == {"P2001": "Children in Need Team"}
    # on 1 May 2025 I4 (Disabled Children) is open for P2002
    assert teams_for(con, "841", ["P2002"], date(2025, 5, 1)) == {"P2002": "Disabled Children"}
    assert allocations_for(con, "841", ["P2001", "P2002"], date(2025, 3, 31)) == {
        "P2001": Allocation("Children in Need Team", "W2"), "P2002": Allocation("Assessment Team 1", "W3")}


def test_no_staging_no_teams(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert teams_for(con, "841", ["P2001"], date(2025, 3, 31)) == {}


def test_findings_are_stored_once_per_run(stored, run_cin):
    settings, _, _ = stored
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    runs = con.execute("select run_id, return_name, collection_year, ruleset, rules_in_registry, findings "
                       "from dq.dfe_runs").fetchall()
    assert runs == [(run_cin.run_id, "cin", "2024-25", "cin2024_25", 109, 12)]
    rows = con.execute("select rule_code, severity, table_name, row_id, child_id from dq.dfe_findings "
                       "where rule_code in ('4011', '2887Q', '2991Q') order by rule_code").fetchall()
    assert rows == [("2887Q", "query", "", "", ""),  # return-level: no table, no child
                    ("2991Q", "query", "Section47", "0", "P2003"),
                    ("4011", "error", "CINplanDates", "1", "P2002")]
    assert con.execute("select count(*) from dq.dfe_findings").fetchone()[0] == 12  # 11 + 1 return-level


def test_the_error_report_lists_each_teams_findings(stored):
    settings, done, _ = stored
    assert done.report == settings.output_dir / "dfe_validation" / "cin_2024-25_error_report.xlsx"
    wb = load_workbook(done.report)
    assert wb.sheetnames == ["Summary", "All findings", "Assessment Team 1", "Children in Need Team", NO_TEAM]
    every = pd.DataFrame(list(wb["All findings"].values)[1:], columns=list(wb["All findings"].values)[0])
    assert list(every.columns) == ["Team", "Worker", "Child ID (case system)", "Rule", "Class", "Message", "Table", "Record",
                                   "Fields"]
    assert len(every) == 11
    assert every[["Team", "Worker", "Child ID (case system)", "Rule"]].head(4).values.tolist() == [
        ["Assessment Team 1", "W3", "P2002", "1510"], ["Assessment Team 1", "W3", "P2002", "1530"],
        ["Assessment Team 1", "W3", "P2002", "4011"], ["Children in Need Team", "W2", "P2001", "1530"]]
    plan = every[every["Rule"] == "4011"].iloc[0]
    assert (plan["Class"], plan["Table"], plan["Record"], plan["Fields"]) == (
        "error", "CINplanDates", 2, "CINPlanEndDate, CINPlanStartDate")
    no_team = list(wb[NO_TEAM].values)[1:]
    assert {(r[1], r[2]) for r in no_team} == {(None, "P2003")} and len(no_team) == 7
    summary = {r[0]: r[1:4] for r in wb["Summary"].values if r and r[0]}
    assert summary["Assessment Team 1"] == (3, 0, 1)  # errors, queries, children
    assert summary["Children in Need Team"] == (1, 0, 1)
    assert summary[NO_TEAM] == (6, 1, 1)
    assert summary["Total"] == (10, 1, 3)
    assert summary["2887Q"][:1] == ("query",)  # the return-level issue, on the Summary only
    assert summary["Return"][0] == "cin" and summary["Rules in the ruleset"][0] == 109


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    assert _sheet_name("Team A/B: [North]", used) == "Team A B   North"
    long = "Children with Disabilities Team (East and West)"
    assert _sheet_name(long, used) == long[:31]
    assert _sheet_name(long, used) == long[:27] + " (2)"
    assert _sheet_name("summary", {"summary"}) == "summary (2)"


def test_the_years_export_is_the_default_input(settings):
    with pytest.raises(ValidatorError, match=r"no cin export for 2024-25 in .*/cin/841/2024-25: run `csw export cin"):
        latest_export(settings, "cin", "2024-25")
    folder = settings.output_dir / "ssda903" / "841" / "2024-25"
    folder.mkdir(parents=True)
    (settings.output_dir / "ssda903" / "841" / "2023-24").mkdir()
    assert latest_export(settings, "ssda903", "2024-25") == folder
