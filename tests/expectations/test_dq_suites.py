"""The suites are built from the contracts: names, severities and descriptions on every expectation."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.contracts import all_tables

AS_OF = date(2025, 3, 31)


@pytest.fixture(scope="module")
def suites():
    from expectations import suites
    from expectations._gx import gx

    gx.get_context(mode="ephemeral")  # building an expectation needs an active context (a run makes its own)
    return suites


def _by_name(suite) -> dict:
    return {e.meta["check_name"]: e for e in suite.expectations}


def test_every_raw_expectation_carries_severity_description_and_a_unique_check_name(suites):
    for contract in all_tables():
        suite = suites.raw_suite(contract, AS_OF)
        assert suite.name == f"raw_{contract.feed}__{contract.table}"
        names = [e.meta["check_name"] for e in suite.expectations]
        assert len(names) == len(set(names)), suite.name
        for e in suite.expectations:
            assert e.meta["severity"] in ("blocking", "warning")
            assert e.meta["description"] and e.meta["message"]
            assert e.severity.value == {"blocking": "critical", "warning": "warning"}[e.meta["severity"]]


def test_cin_episodes_suite(suites):
    contract = next(c for c in all_tables() if c.table == "ssd_cin_episodes")
    checks = _by_name(suites.raw_suite(contract, AS_OF))
    assert checks["expect_column_values_to_be_unique(cine_referral_id)"].meta["severity"] == "blocking"
    for column in ("cine_referral_id", "cine_person_id", "cine_referral_date"):
        assert checks[f"expect_column_values_to_not_be_null({column})"].meta["severity"] == "blocking"
    assert "expect_column_values_to_not_be_null(cine_close_date)" not in checks  # may be blank
    assert checks["expect_column_to_exist(cine_close_reason)"].meta["severity"] == "blocking"
    codes = checks["expect_column_values_to_be_in_set(cine_cin_primary_need_code)"]
    assert codes.meta["severity"] == "warning" and "N9" in codes.value_set
    dates = checks["expect_column_values_to_be_between(cine_referral_date)"]
    assert dates.meta["severity"] == "warning"
    assert dates.min_value.date() == date(1990, 1, 1) and dates.max_value.date() == AS_OF


def test_compound_key_uses_compound_uniqueness(suites):
    contract = next(c for c in all_tables() if c.raw_table == "reference__population")
    checks = _by_name(suites.raw_suite(contract, AS_OF))
    unique = checks["expect_compound_columns_to_be_unique(la_code, year, age)"]  # within each sender (_la_code)
    assert unique.column_list == ["_la_code", "la_code", "year", "age"] and unique.meta["severity"] == "blocking"


def test_person_needs_a_dob_or_an_expected_dob_which_may_be_in_the_future(suites):
    contract = next(c for c in all_tables() if c.table == "ssd_person")
    checks = _by_name(suites.raw_suite(contract, AS_OF))
    rule = checks["expect_column_values_to_not_be_null(pers_dob, where pers_expected_dob is blank)"]
    assert rule.meta["severity"] == "blocking" and rule.row_condition is not None
    assert "expect_column_values_to_not_be_null(pers_dob)" not in checks
    assert checks["expect_column_values_to_be_between(pers_expected_dob)"].max_value is None
    assert checks["expect_column_values_to_be_between(pers_dob)"].max_value.date() == AS_OF
    assert "expect_column_to_exist(pers_expected_dob)" not in checks  # optional column


def test_mart_suite_is_all_blocking(suites):
    suite = suites.mart_suite()
    assert suite.name == "marts_fct_indicator_values"
    checks = _by_name(suite)
    assert all(e.meta["severity"] == "blocking" for e in suite.expectations)
    # its columns, that it has rows, and the range of each unit: its grain, catalogue and period types are dbt's
    assert sorted(checks) == sorted(
        [f"expect_column_to_exist({c})" for c in suites.MART_COLUMNS]
        + ["expect_table_row_count_to_be_between(min 1)",
           "expect_column_values_to_be_between(value, where unit is percent)",
           "expect_column_values_to_be_between(value, where unit is rate/count/days)",
           "expect_column_values_to_be_between(value, where unit is score/ratio)"])
    assert checks["expect_column_values_to_be_between(value, where unit is score/ratio)"].min_value == 0
    breakdowns = _by_name(suites.breakdown_suite())
    assert sorted(breakdowns) == ["expect_column_values_to_be_between(value, min 0)",
                                  "expect_column_values_to_be_between(value, where unit is percent)"]
    assert breakdowns["expect_column_values_to_be_between(value, where unit is percent)"].max_value == 100
    percent = checks["expect_column_values_to_be_between(value, where unit is percent)"]
    assert (percent.min_value, percent.max_value) == (0, 100)
