"""`run_checks` on a small fixture warehouse: statuses, failure wording and what lands in `dq.*`."""

from __future__ import annotations

from datetime import date

import duckdb

from expectations import CheckRun, run_checks
from ingest.contracts import FEEDS, all_tables

CIN = "case_system__ssd_cin_episodes"
PERSON = "case_system__ssd_person"
POPULATION = "reference__population"


def _failure(run: CheckRun, check_name: str, suite: str | None = None):
    matches = [f for f in run.failures if f.check_name == check_name and (suite is None or f.suite == suite)]
    assert matches, f"no failure {check_name} in {[(f.suite, f.check_name) for f in run.failures]}"
    return matches[0]


def _stored(con: duckdb.DuckDBPyConnection, run: CheckRun, check_name: str, suite: str) -> dict:
    result = con.execute(  # the same calls on DuckDB and psycopg (tests/server/test_checks_postgres.py)
        "select * from dq.check_results where run_id = $1 and check_name = $2 and suite = $3",
        [run.run_id, check_name, suite],
    )
    names = [column[0] for column in result.description]
    rows = result.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0]))


def _not_loaded_warnings(run: CheckRun) -> list:
    return [f for f in run.failures if f.check_name == "table_is_loaded"]


def test_clean_fixtures_pass_and_are_stored(warehouse, as_of):
    messages: list[str] = []
    run = run_checks(warehouse, as_of=as_of, progress=messages.append)

    assert run.status == "PASSED" and run.passed
    assert run.blocking_failures == 0
    # only the tables without rows warn; everything checked on the loaded ones passed
    assert all(f.check_name == "table_is_loaded" and f.severity == "warning" for f in run.failures)
    # (a statutory source an SSD authority never sends is optional: its empty tables pass)
    required = [t for t in all_tables() if not FEEDS[t.feed].optional]
    assert run.warnings == len(_not_loaded_warnings(run)) == len(required) - 4  # 4 tables have rows
    assert any("raw.case_system__ssd_cin_episodes" in m for m in messages)

    stored_run = warehouse.execute(
        "select run_id, status, as_of, checks_run, blocking_failures, warnings, finished_at >= started_at from dq.runs"
    ).fetchall()
    assert stored_run == [(run.run_id, "PASSED", as_of, run.checks_run, 0, run.warnings, True)]
    counts = dict(warehouse.execute(
        "select status, count(*) from dq.check_results where run_id = $1 group by status", [run.run_id]).fetchall())
    assert sum(counts.values()) == run.checks_run and counts["failed"] == run.warnings
    suites = {r[0] for r in warehouse.execute("select distinct suite from dq.check_results").fetchall()}
    assert {"raw_case_system__ssd_cin_episodes", "raw_reference__population", "marts_fct_indicator_values"} <= suites
    cin_rows = _stored(warehouse, run, "table_is_loaded", "raw_case_system__ssd_cin_episodes")
    assert cin_rows["status"] == "passed" and cin_rows["feed"] == "case_system"
    assert cin_rows["table_name"] == CIN


def test_duplicate_key_fails_naming_the_check_and_the_key(warehouse, add_rows, rows, as_of):
    referrals = rows[CIN] + [dict(rows[CIN][1], cine_referral_date=date(2025, 1, 2))]
    add_rows(CIN, referrals)
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED" and run.blocking_failures == 1
    failure = _failure(run, "expect_column_values_to_be_unique(cine_referral_id)")
    assert failure.severity == "blocking" and failure.failing_rows == 2 and failure.suite == f"raw_{CIN}"
    assert failure.message == (
        "raw.case_system__ssd_cin_episodes: 2 rows have the same cine_referral_id as another row of the same "
        "authority (authority 841; key R002; file ssd_cin_episodes.csv, rows 2, 4)"
    )
    stored = _stored(warehouse, run, failure.check_name, failure.suite)
    assert stored["failing_sample"] == "R002" and stored["status"] == "failed"
    assert stored["observed_value"] == "2 of 4 rows"  # no ids: it is copied into the regional return


def test_blank_required_date_fails_with_file_and_row(warehouse, add_rows, rows, as_of):
    rows[CIN][2]["cine_referral_date"] = None
    add_rows(CIN, rows[CIN], source_file="ssd_cin_episodes.csv")
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED"
    failure = _failure(run, "expect_column_values_to_not_be_null(cine_referral_date)")
    assert failure.message == (
        "raw.case_system__ssd_cin_episodes: 1 row has a blank cine_referral_date (authority 841; file ssd_cin_episodes.csv, row 3)"
    )
    assert _stored(warehouse, run, failure.check_name, failure.suite)["failing_sample"] == "R003"


def test_only_the_current_batch_is_checked(warehouse, add_rows, rows, as_of):
    bad = [dict(r, cine_referral_date=None) for r in rows[CIN]]
    add_rows(CIN, bad, batch_id=0)  # an older snapshot with blank dates, kept for audit
    run = run_checks(warehouse, as_of=as_of)
    assert run.status == "PASSED"


def test_unknown_code_passes_with_a_warning(warehouse, add_rows, rows, as_of):
    rows[CIN][0]["cine_cin_primary_need_code"] = "N0"
    add_rows(CIN, rows[CIN])
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "PASSED" and run.blocking_failures == 0
    failure = _failure(run, "expect_column_values_to_be_in_set(cine_cin_primary_need_code)")
    assert failure.severity == "warning" and failure.failing_rows == 1
    assert "found N0" in failure.message and "row 1" in failure.message
    assert run.warnings == len(_not_loaded_warnings(run)) + 1


def test_date_outside_1990_to_as_of_warns(warehouse, add_rows, rows, as_of):
    rows[CIN][0]["cine_close_date"] = date(2026, 1, 1)
    rows[CIN][1]["cine_referral_date"] = date(1989, 12, 31)
    add_rows(CIN, rows[CIN])
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "PASSED"
    close = _failure(run, "expect_column_values_to_be_between(cine_close_date)")
    assert close.severity == "warning" and close.message.endswith(
        "1 row has a cine_close_date before 1990-01-01 or after 2025-03-31 (authority 841; file ssd_cin_episodes.csv, row 1)")
    assert _failure(run, "expect_column_values_to_be_between(cine_referral_date)").failing_rows == 1
    # the fixture's unborn child has an expected date of birth after the as-of date: not a warning
    assert not [f for f in run.failures if "pers_expected_dob" in f.check_name]


def test_person_without_any_date_of_birth_fails_without_quoting_dates(warehouse, add_rows, rows, as_of):
    rows[PERSON].append({"pers_person_id": "P009", "pers_sex": "F", "pers_dob": None, "pers_ethnicity": "WBRI"})
    add_rows(PERSON, rows[PERSON])
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED"
    failure = _failure(run, "expect_column_values_to_not_be_null(pers_dob, where pers_expected_dob is blank)")
    assert failure.message == (
        "raw.case_system__ssd_person: 1 row has neither pers_dob nor pers_expected_dob (authority 841; file ssd_person.csv, row 4)"
    )
    assert _stored(warehouse, run, failure.check_name, failure.suite)["failing_sample"] == "P009"
    dob_check = _stored(warehouse, run, "expect_column_values_to_be_between(pers_dob)", failure.suite)
    assert dob_check["status"] == "passed" and "2012" not in dob_check["observed_value"]


def test_duplicate_compound_key_fails_with_the_key_values(warehouse, add_rows, rows, as_of):
    add_rows(POPULATION, rows[POPULATION] + [dict(rows[POPULATION][5], population=1)])
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED"
    failure = _failure(run, "expect_compound_columns_to_be_unique(la_code, year, age)")
    assert failure.failing_rows == 2 and "key 841 | 2024 | 5" in failure.message
    assert _stored(warehouse, run, failure.check_name, failure.suite)["failing_sample"] == "841 | 2024 | 5"


def test_percentage_over_100_fails(warehouse, add_values, as_of):
    add_values([("REREF_12M_PCT", "quarter", "2024-25Q4", date(2025, 1, 1), date(2025, 3, 31), 101, 100, 101.0)])
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED" and run.blocking_failures == 1
    failure = _failure(run, "expect_column_values_to_be_between(value, where unit is percent)")
    assert failure.suite == "marts_fct_indicator_values" and failure.failing_rows == 1
    assert failure.message == (
        "marts.fct_indicator_values: 1 row has a percentage value outside 0-100 "
        "(found 101; key REREF_12M_PCT | 841 | quarter | 2024-25Q4)"
    )


def test_negative_count_and_negative_score_fail(warehouse, add_values, as_of):
    add_values([
        ("REF_COUNT", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31), -1, None, -1),
        ("SDQ_AVG", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31), -5, 1, -5),
    ])
    run = run_checks(warehouse, as_of=as_of)

    count = _failure(run, "expect_column_values_to_be_between(value, where unit is rate/count/days)")
    assert count.failing_rows == 1 and "REF_COUNT" in count.message
    score = _failure(run, "expect_column_values_to_be_between(value, where unit is score/ratio)")
    assert score.failing_rows == 1 and score.message == (
        "marts.fct_indicator_values: 1 row has a negative value for a score, ratio indicator "
        "(found -5; key SDQ_AVG | 841 | month | 2025-01)")
    assert run.blocking_failures == 2


def test_breakdown_percentage_over_100_and_negative_breakdown_fail(warehouse, as_of):
    warehouse.execute(
        "insert into marts.fct_indicator_breakdowns values "
        "('REREF_12M_PCT', '841', 'year', '2024-25', 'sex', 'F', 100), "  # the boundary passes
        "('REREF_12M_PCT', '841', 'year', '2024-25', 'sex', 'M', 100.5), "
        "('REF_COUNT', '841', 'year', '2024-25', 'sex', 'F', 120), "  # a count over 100 is fine
        "('REF_COUNT', '841', 'year', '2024-25', 'sex', 'M', -1)")
    run = run_checks(warehouse, as_of=as_of)

    over = _failure(run, "expect_column_values_to_be_between(value, where unit is percent)",
                    suite="marts_fct_indicator_breakdowns")
    assert over.failing_rows == 1 and "found 100.5" in over.message and "sex | M" in over.message
    negative = _failure(run, "expect_column_values_to_be_between(value, min 0)", suite="marts_fct_indicator_breakdowns")
    assert negative.failing_rows == 1 and "REF_COUNT | 841 | year | 2024-25 | sex | M" in negative.message
    assert run.blocking_failures == 2


def test_mart_grain_catalogue_and_period_type_are_left_to_dbt(warehouse, add_values, as_of):
    """A duplicated key, an indicator not in the catalogue and an unknown period type fail dbt's tests (the
    build, models/marts/_marts__models.yml); the check run does not repeat them. A new period still leaves
    every other indicator without a row for it: period completeness is a check-run verdict."""
    add_values([("REF_COUNT", "year", "2024-25", date(2024, 4, 1), date(2025, 3, 31), 4, None, 4),
                ("NOT_IN_CATALOGUE", "week", "2025-W01", date(2025, 1, 6), date(2025, 1, 12), 1, None, 1)])
    run = run_checks(warehouse, as_of=as_of)

    assert [f.check_name for f in run.failures if f.severity == "blocking"] == ["every_indicator_has_every_period"]
    incomplete = _failure(run, "every_indicator_has_every_period", suite="marts_fct_indicator_values")
    assert incomplete.failing_rows == 5 and "REF_COUNT 2025-W01" in incomplete.message
    names = {r[0] for r in warehouse.execute(
        "select check_name from dq.check_results where run_id = $1 and suite = 'marts_fct_indicator_values'",
        [run.run_id]).fetchall()}
    assert not {n for n in names if "_unique(" in n or "_not_be_null(" in n or "_in_set(" in n}


def test_marts_not_built_is_a_blocking_failure(warehouse, as_of):
    warehouse.execute("drop schema marts cascade")
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED" and run.blocking_failures == 1
    failure = _failure(run, "marts_are_built")
    assert failure.severity == "blocking" and failure.message.startswith("marts not built")


def test_missing_raw_table_is_a_warning(warehouse, as_of):
    warehouse.execute(f"drop table raw.{POPULATION}")
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "PASSED"
    failure = _failure(run, "table_is_loaded", suite=f"raw_{POPULATION}")
    assert failure.severity == "warning"
    assert failure.message.startswith("raw.reference__population: table not loaded (the table does not exist)")


def test_a_statutory_source_never_sent_is_no_warning(warehouse, as_of):
    """An authority on the SSD sends no SSDA903, CIN census or Annex A: their empty tables pass, unlike a feed's."""
    run = run_checks(warehouse, as_of=as_of)
    stored = warehouse.execute(
        "select suite, status, message from dq.check_results where run_id = $1 and check_name = 'table_is_loaded' "
        "and (suite like 'raw_ssda903%' or suite like 'raw_cin_census%' or suite like 'raw_annex_a%')",
        [run.run_id]).fetchall()
    assert len(stored) == 31  # 11 SSDA903 tables, 9 CIN census, 11 Annex A lists
    assert {status for _, status, _ in stored} == {"passed"}
    assert all(m.endswith("file loaded (an optional statutory source)") for _, _, m in stored)


def test_missing_required_column_fails_without_crashing(warehouse, as_of):
    warehouse.execute(f"alter table raw.{CIN} drop column cine_close_reason")
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED"
    failure = _failure(run, "expect_column_to_exist(cine_close_reason)")
    assert failure.message == (
        "raw.case_system__ssd_cin_episodes: the column cine_close_reason is missing "
        "(the case_system contract requires it)"
    )


def test_runs_accumulate(warehouse, add_values, as_of):
    first = run_checks(warehouse, as_of=as_of)
    add_values([("REREF_12M_PCT", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31), 3, 2, 150.0)])
    second = run_checks(warehouse, as_of=as_of)

    assert first.run_id != second.run_id
    runs = warehouse.execute("select run_id, status from dq.runs order by started_at").fetchall()
    assert runs == [(first.run_id, "PASSED"), (second.run_id, "FAILED")]
    per_run = dict(warehouse.execute("select run_id, count(*) from dq.check_results group by run_id").fetchall())
    assert per_run == {first.run_id: first.checks_run, second.run_id: second.checks_run}


def test_a_suite_that_cannot_run_is_a_blocking_failure_and_the_run_goes_on(warehouse, as_of, monkeypatch):
    from expectations.gx_pandas import PandasValidator

    real_validate = PandasValidator.validate

    def validate(self, suite, frame):
        if suite.name == "raw_reference__population":
            raise RuntimeError("boom")
        return real_validate(self, suite, frame)

    monkeypatch.setattr(PandasValidator, "validate", validate)
    run = run_checks(warehouse, as_of=as_of)

    assert run.status == "FAILED" and run.blocking_failures == 1
    failure = _failure(run, "suite_could_run")
    assert failure.message == "raw.reference__population: the checks could not run: RuntimeError: boom"
    assert warehouse.execute("select count(*) from dq.check_results where suite = 'marts_fct_indicator_values'"
                             ).fetchone()[0] > 1


def test_incremental_feed_is_checked_on_the_newest_row_of_every_key(warehouse, add_rows, as_of):
    """Staging reads the newest row of each key across all health files; the checks validate the same rows."""
    def assessment(assessment_id: str, outcome: str) -> dict:
        return {"assessment_id": assessment_id, "person_id": "P001", "assessment_type": "RHA",
                "requested_date": date(2024, 6, 1), "due_date": date(2024, 7, 1),
                "completed_date": date(2024, 6, 20), "outcome": outcome}

    health = "health__assessments"
    add_rows(health, [assessment("H1", "LOST"), assessment("H2", "MISLAID")], batch_id=1,
             source_file="health_assessments_20240630.csv")
    add_rows(health, [assessment("H1", "COMPLETED")], batch_id=2, source_file="health_assessments_20240731.csv")
    run = run_checks(warehouse, as_of=as_of)

    # H1's bad code was corrected by the newer file; H2 is only in the older file and is still current
    failure = _failure(run, "expect_column_values_to_be_in_set(outcome)", suite=f"raw_{health}")
    assert failure.failing_rows == 1 and "health_assessments_20240630.csv, row 2" in failure.message
    loaded = _stored(warehouse, run, "table_is_loaded", f"raw_{health}")
    assert loaded["observed_value"] == "2 rows"
