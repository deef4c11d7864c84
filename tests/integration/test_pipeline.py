"""`csw run` end to end on a generated LA-sized extract: real outputs, plausible values, idempotent."""

from __future__ import annotations

import csv
import json
import re

from tests.integration.conftest import AS_OF, run_csw

EIGHT = ["REF_COUNT", "REF_RATE", "REREF_12M_PCT", "ASMT_45WD_PCT", "ICPC_15WD_PCT", "CPP_RATE", "CLA_COUNT", "CLA_RATE"]


def test_run_prints_what_it_did(pipeline):
    out = pipeline.stdout
    assert "files loaded: 143" in out
    assert "quarantined: 0" in out
    assert "unit_test:pass" in out and "model:success" in out
    assert "0 blocking failures" in out
    assert "return_841_2024-25Q4.xlsx" in out


def test_every_indicator_has_a_row_for_every_complete_period(pipeline):
    con = pipeline.connect()
    periods = con.execute("select period_type, count(distinct period_label) from marts.fct_indicator_values group by 1").fetchall()
    # window 2019-04-01 .. 2025-03-31: 72 months, 24 quarters, 6 financial years
    assert dict(periods) == {"month": 72, "quarter": 24, "year": 6}
    ids = {r[0] for r in con.execute("select indicator_id from marts.dim_indicators").fetchall()}
    assert set(EIGHT) <= ids
    counts = con.execute(
        "select indicator_id, count(*) from marts.fct_indicator_values group by 1"
    ).fetchall()
    assert {i: n for i, n in counts} == {i: 72 + 24 + 6 for i in ids}
    assert con.execute("select max(period_end) from marts.fct_indicator_values").fetchall()[0][0].isoformat() == AS_OF


def test_demo_values_are_plausible_for_a_darlington_sized_authority(pipeline):
    con = pipeline.connect()
    values = dict(
        con.execute(
            "select indicator_id, value from marts.fct_indicator_values where period_label = '2024-25'"
        ).fetchall()
    )
    assert 1000 <= values["REF_COUNT"] <= 1700
    assert 8 <= values["REREF_12M_PCT"] <= 25
    assert 60 <= values["ASMT_45WD_PCT"] <= 97
    assert 40 <= values["CLA_RATE"] <= 200
    assert 200 <= values["CLA_COUNT"] <= 340
    assert 20 <= values["CPP_RATE"] <= 80


def test_return_files_match_the_marts(pipeline):
    folder = pipeline.output / "regional" / "841" / "2024-25Q4"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["as_of"] == AS_OF
    with open(folder / "return_841_2024-25Q4.csv", newline="") as f:
        rows = {r["indicator_id"]: r for r in csv.DictReader(f)}
    con = pipeline.connect()
    cla_rate = con.execute(
        "select value from marts.fct_indicator_values where indicator_id = 'CLA_RATE' and period_label = '2024-25Q4'"
    ).fetchall()[0][0]
    assert float(rows["CLA_RATE"]["value"]) == cla_rate


def test_marts_carry_no_person_ids_names_or_dates_of_birth(pipeline):
    con = pipeline.connect()
    columns = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    ).fetchall()
    for table, column in columns:
        assert "person_id" not in column and "dob" not in column and "birth" not in column, (table, column)
    person_ids = {r[0] for r in con.execute("select pers_person_id from raw.case_system__ssd_person").fetchall()}
    for table, column in columns:
        values = {r[0] for r in con.execute(f'select distinct cast("{column}" as varchar) from marts."{table}"').fetchall()}
        assert not (values & person_ids), f"marts.{table}.{column} holds case-system person ids"


def test_rerun_is_idempotent(pipeline):
    con = pipeline.connect()
    before = con.execute("select * from marts.fct_indicator_values order by all").fetchall()
    loads_before = con.execute("select count(*) from raw._loads").fetchall()
    con.close()
    # the second run skips dbt's unit tests by itself: the first ran them for this dbt project (csw/refresh.py)
    result = run_csw(["run", "--landing", str(pipeline.landing), "--as-of", AS_OF], pipeline.env)
    assert "files loaded: 0 (0 rows), duplicates skipped: 143, quarantined: 0" in result.stdout
    assert re.search(r"full build: nothing loaded since the last build \(batch \d+\); dbt unit tests skipped: they "
                     r"passed on build 1 for this dbt project$", result.stdout, re.M), result.stdout
    counts = next(line for line in result.stdout.splitlines() if line.startswith("dbt build:"))
    assert "unit_test" not in counts and "model:success" in counts
    con = pipeline.connect()
    assert con.execute("select * from marts.fct_indicator_values order by all").fetchall() == before
    assert con.execute("select count(*) from raw._loads").fetchall() == loads_before
