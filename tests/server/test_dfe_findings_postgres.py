"""The DfE validators' findings on Postgres: stored once per run, the team lookup's SQL, and out of the BI
role's reach (the child ids in dq.dfe_findings are the authority's own)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest

from expectations.dfe_validators.runner import Finding, ValidationRun
from expectations.dfe_validators.store import latest_run_id, read_findings, write_validation
from exports.dfe_error_report import teams_for
from foundation.warehouse import connect, connect_postgres
from tests.server.conftest import BI_READER_PASSWORD

RUN = ValidationRun(
    run_id="cin-2024-25-0123456789abcdef", return_name="cin", year="2024-25", inputs=[Path("census.xml")],
    findings=[Finding("4011", "CIN Plan End Date earlier than Start Date", "error", "CINplanDates", "1", "P2002",
                      "CINPlanEndDate, CINPlanStartDate"),
              Finding("2991Q", "Please check", "query", "Section47", "0", "P2003", "LAchildID")],
    ruleset="cin2024_25", rules_in_registry=109, rule_types={}, failed_rules=[],
    return_level=[{"rule_code": "2887Q", "rule_description": "Less than 8 disability codes", "rule_type": "query"}],
    validator_seconds=2.5, total_seconds=2.9)


def test_findings_are_stored_once_and_hidden_from_the_bi_role(pg_settings):
    con = connect(pg_settings)
    try:
        write_validation(con, RUN, validated_at=datetime(2025, 4, 10, 9, 0))
        write_validation(con, RUN, validated_at=datetime(2025, 4, 10, 9, 5))
        assert con.execute("select count(*), max(findings) from dq.dfe_runs").fetchall() == [(1, 3)]
        found = read_findings(con, RUN.run_id)
        assert found[["rule_code", "severity", "child_id"]].values.tolist() == [
            ["2887Q", "query", ""], ["2991Q", "query", "P2003"], ["4011", "error", "P2002"]]
        assert latest_run_id(con, "cin", "2024-25") == RUN.run_id and latest_run_id(con, "cin", "2023-24") is None
    finally:
        con.close()
    bi = connect_postgres(replace(pg_settings, pg_user="bi_reader", pg_password=BI_READER_PASSWORD), read_only=True)
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bi.execute("select child_id from dq.dfe_findings").fetchall()
    finally:
        bi.close()


def test_the_team_lookup_runs_on_postgres(pg_settings):
    con = connect(pg_settings)
    try:
        con.execute("create table if not exists raw._child_keys (la_code varchar, person_id varchar, child_key varchar)")
        con.execute("insert into raw._child_keys values ('841', 'P2001', 'k1'), ('841', 'P2002', 'k2')")
        con.execute("create table staging.stg_case_system__involvements (involvement_id varchar, professional_id "
                    "varchar, child_key varchar, start_date date, end_date date, team_id varchar)")
        con.execute("insert into staging.stg_case_system__involvements values "
                    "('I1', 'W1', 'k1', '2024-01-01', '2024-06-30', 'T1'), ('I2', 'W1', 'k1', '2024-07-01', null, 'T2'), "
                    "('I3', 'W1', 'k2', '2023-01-01', '2024-02-01', 'T1')")
        con.execute("create table staging.stg_case_system__departments (team_id varchar, team_name varchar, "
                    "parent_team_id varchar)")
        con.execute("insert into staging.stg_case_system__departments values ('T1', 'Assessment Team 1', null), "
                    "('T2', 'Children in Need Team', null)")
        assert teams_for(con, "841", ["P2001", "P2002", "P9"], date(2025, 3, 31)) == {
            "P2001": "Children in Need Team", "P2002": "Assessment Team 1"}
    finally:
        con.close()
