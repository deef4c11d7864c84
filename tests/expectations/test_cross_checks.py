"""Staging relationships, cross-feed reconciliation and period completeness (expectations/cross_checks.py),
each on a tiny hand-written staging layer: a passing and a failing case, boundaries included."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import cross_checks
from expectations.cross_checks import RECONCILIATIONS, RELATIONSHIPS, evaluate

D = date


def _check(name: str):
    return next(c for c in cross_checks.CHECKS if c.check_name == name)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema staging; create schema raw")
    tables = {
        "staging.stg_case_system__persons": "child_key varchar",
        "staging.stg_case_system__referrals": "referral_id varchar, child_key varchar",
        "staging.stg_case_system__assessments": "assessment_id varchar, child_key varchar, referral_id varchar",
        "staging.stg_case_system__cla_episodes": "cla_episode_id varchar, child_key varchar, cla_id varchar, "
                                                 "start_date date, ceased_date date",
        "staging.stg_case_system__cla_placements": "placement_id varchar, child_key varchar, cla_id varchar, "
                                                   "start_date date",
        "staging.stg_case_system__missing_episodes": "missing_episode_id varchar, child_key varchar, start_date date",
        "staging.stg_case_system__involvements": "involvement_id varchar, team_id varchar",
        "raw.case_system__ssd_department": "dept_team_id varchar",
        "staging.stg_health__assessments": "assessment_id varchar, child_key varchar",
        "staging.stg_education__attendance_weeks": "child_key varchar, week_start_date date",
        "staging.stg_partners__police_missing_incidents": "police_incident_id varchar, child_key varchar, "
                                                          "is_matched_to_child boolean, reported_date date",
        "staging.stg_workforce__team_snapshots": "team_id varchar",
    }
    for name, columns in tables.items():  # every row of authority 841 (a raw row: its sender, `_la_code`)
        authority = "_la_code" if name.startswith("raw.") else "la_code"
        con.execute(f"create table {name} ({columns}, {authority} varchar default '841')")
    con.execute("insert into staging.stg_case_system__persons (child_key) values ('K1'), ('K2')")
    con.execute("insert into staging.stg_case_system__referrals (referral_id, child_key) values ('R1', 'K1')")
    con.execute("insert into staging.stg_case_system__cla_episodes "
                "(cla_episode_id, child_key, cla_id, start_date, ceased_date) values "
                "('E1', 'K1', 'C1', '2024-01-10', '2024-03-01'), ('E2', 'K1', 'C1', '2024-03-01', null)")
    yield con
    con.close()


def _one(con, name: str):
    [result] = evaluate(con, (_check(name),))
    assert result.error is None, result.error
    return result


def test_every_check_has_a_unique_name_and_a_severity():
    names = [(c.suite, c.check_name) for c in cross_checks.CHECKS]
    assert len(names) == len(set(names))
    assert all(c.severity in ("blocking", "warning") for c in cross_checks.CHECKS)
    assert all(c.severity == "warning" for c in RECONCILIATIONS)
    # orphans within the case-system extract block; a partner naming an unknown child only warns
    known = {c.table_name: c.severity for c in RELATIONSHIPS if c.check_name.endswith("_for_known_children")}
    assert known["stg_case_system__referrals"] == "blocking" and known["stg_health__assessments"] == "warning"


def test_assessment_without_its_referral(con):
    con.execute("insert into staging.stg_case_system__assessments (assessment_id, child_key, referral_id) values "
                "('A1', 'K1', 'R1'), ('A2', 'K1', 'R9'), "
                "('A3', 'K1', null)")
    result = _one(con, "assessments_have_their_referral_id")
    assert (result.failing_rows, result.sample_keys) == (2, ["841/A2", "841/A3"])
    assert result.check.severity == "blocking"


def test_placement_outside_every_episode_of_its_period_of_care(con):
    con.execute("insert into staging.stg_case_system__cla_placements "
                "(placement_id, child_key, cla_id, start_date) values "
                "('PL1', 'K1', 'C1', '2024-01-10'), "  # the first episode's first day
                "('PL2', 'K1', 'C1', '2024-03-01'), "  # the day one episode ceases and the next starts
                "('PL3', 'K1', 'C1', '2024-01-09'), "  # the day before care began
                "('PL4', 'K1', 'C9', '2024-02-01')")  # a period of care with no episode
    result = _one(con, "cla_placements_start_within_an_episode")
    assert (result.failing_rows, result.sample_keys) == (2, ["841/PL3", "841/PL4"])


def test_health_rows_for_unknown_children_warn(con):
    con.execute("insert into staging.stg_health__assessments (assessment_id, child_key) values "
                "('H1', 'K1'), ('H2', 'K7')")
    result = _one(con, "health__assessments_are_for_known_children")
    assert (result.failing_rows, result.sample_keys, result.check.severity) == (1, ["H2"], "warning")
    con.execute("insert into staging.stg_case_system__assessments (assessment_id, child_key, referral_id) values "
                "('A1', 'K1', 'R1'), ('A2', 'K8', 'R1')")
    result = _one(con, "case_system__assessments_are_for_known_children")
    assert (result.failing_rows, result.sample_keys, result.check.severity) == (1, ["A2"], "blocking")


def test_police_missing_report_matches_an_episode_within_a_day(con):
    con.execute("insert into staging.stg_case_system__missing_episodes "
                "(missing_episode_id, child_key, start_date) values "
                "('M1', 'K1', '2024-05-10')")
    con.execute("insert into staging.stg_partners__police_missing_incidents "
                "(police_incident_id, child_key, is_matched_to_child, reported_date) values "
                "('I1', 'K1', true, '2024-05-11'), "  # a day after the episode started: matched
                "('I2', 'K1', true, '2024-05-09'), "  # a day before: matched
                "('I3', 'K1', true, '2024-05-12'), "  # two days after: no episode
                "('I4', 'K2', true, '2024-05-10'), "  # another child, no episode
                "('I5', null, false, '2024-05-10')")  # police could not match the child: not reconciled
    result = _one(con, "police_missing_reports_match_a_missing_episode")
    assert (result.failing_rows, result.sample_keys) == (2, ["K1", "K2"])  # pseudonymous keys, not incident refs


def test_health_assessments_for_children_never_looked_after(con):
    con.execute("insert into staging.stg_health__assessments (assessment_id, child_key) values "
                "('H1', 'K1'), ('H2', 'K2'), ('H3', 'K2')")
    result = _one(con, "health_assessments_are_for_looked_after_children")
    assert (result.failing_rows, result.sample_keys) == (2, ["K2"])


def test_attendance_weeks_of_children_not_looked_after_that_week(con):
    con.execute("insert into staging.stg_education__attendance_weeks (child_key, week_start_date) values "
                "('K1', '2024-01-08'), "  # care began on the Wednesday of this week: looked after
                "('K1', '2024-01-01'), "  # the week before care began
                "('K1', '2025-01-06'), "  # the second episode is still open
                "('K2', '2024-02-05')")  # never looked after
    result = _one(con, "attendance_weeks_are_for_looked_after_children")
    assert (result.failing_rows, result.sample_keys) == (2, ["K1", "K2"])


def test_workforce_teams_unknown_to_the_case_system(con):
    con.execute("insert into raw.case_system__ssd_department (dept_team_id) values ('T1')")
    con.execute("insert into staging.stg_case_system__involvements (involvement_id, team_id) values ('V1', 'T2')")
    con.execute("insert into staging.stg_workforce__team_snapshots (team_id) values ('T1'), ('T2'), ('T3'), ('T3')")
    result = _one(con, "workforce_teams_are_known_to_the_case_system")
    assert (result.failing_rows, result.sample_keys) == (1, ["T3"])
    # a team is known within its own authority: 841's T1 (a department) and T2 (an involvement) are not 840's
    con.execute("insert into staging.stg_workforce__team_snapshots (team_id, la_code) values ('T1', '840'), "
                "('T2', '840')")
    result = _one(con, "workforce_teams_are_known_to_the_case_system")
    assert result.by_authority == {"840": (2, ["T1", "T2"]), "841": (1, ["T3"])}
    assert (result.failing_rows, result.sample_keys) == (3, ["T1", "T2", "T3"])


def test_a_check_whose_tables_are_absent_does_not_run(con):
    con.execute("drop table staging.stg_education__attendance_weeks")
    [result] = evaluate(con, (_check("attendance_weeks_are_for_looked_after_children"),))
    assert result.failing_rows == 0 and result.missing == ("staging.stg_education__attendance_weeks",)


def test_period_completeness(con):
    con.execute("create schema marts")
    con.execute("create table marts.dim_indicators (indicator_id varchar)")
    con.execute("insert into marts.dim_indicators values ('A'), ('B')")
    con.execute("create table marts.fct_indicator_values (indicator_id varchar, la_code varchar, "
                "period_type varchar, period_label varchar)")
    con.execute("insert into marts.fct_indicator_values values ('A', '841', 'year', '2023-24'), "
                "('A', '841', 'year', '2024-25'), ('B', '841', 'year', '2024-25')")
    result = _one(con, "every_indicator_has_every_period")
    assert (result.failing_rows, result.sample_keys) == (1, ["B 2023-24"])
    con.execute("insert into marts.fct_indicator_values values ('B', '841', 'year', '2023-24')")
    assert _one(con, "every_indicator_has_every_period").failing_rows == 0
