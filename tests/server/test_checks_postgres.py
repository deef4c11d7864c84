"""tests/expectations/test_dq_checks.py again, on Postgres: the suites run as SQL through GX's Postgres
datasource (expectations/gx_postgres.py) and report the same statuses, counts and failing rows."""

from __future__ import annotations

import pytest

from foundation.warehouse import connect
from tests.expectations import conftest as fixtures
from tests.expectations.conftest import add_rows, add_values, as_of, rows  # noqa: F401 - fixtures used below
from tests.expectations.test_dq_checks import *  # noqa: F403 - the same tests, on the warehouse below
# a hub's failures each carry their authority: on Postgres the failed expectations run again on each authority's
# rows as SQL (expectations.table_checks._by_authority)
from tests.expectations.test_checks_per_authority import (  # noqa: F401 - the same tests, on the warehouse below
    test_a_failure_in_one_authoritys_rows_holds_back_that_authority_only,
    test_failures_in_two_authorities_are_two_and_a_table_about_authorities_holds_back_every_one,
)

# That test patches the pandas validator, which the Postgres target does not use; its SQL twin is below.
del test_a_suite_that_cannot_run_is_a_blocking_failure_and_the_run_goes_on  # noqa: F821
# The raw key checked per authority (a compound key with _la_code) quotes no file and rows on Postgres: its twin below.
del test_duplicate_key_fails_naming_the_check_and_the_key  # noqa: F821


@pytest.fixture
def warehouse(pg_settings):
    """The expectations fixtures' clean warehouse, built in a fresh Postgres database."""
    con = connect(pg_settings)
    for table in fixtures.all_tables():
        fixtures.create_raw_table(con, table)
    fixtures.insert_rows(con, "case_system__ssd_person", fixtures.PERSONS)
    fixtures.insert_rows(con, "case_system__ssd_cin_episodes", fixtures.REFERRALS)
    fixtures.insert_rows(con, "reference__population", fixtures.POPULATION)
    fixtures.insert_rows(con, "reference__local_authorities", fixtures.LOCAL_AUTHORITIES)
    fixtures.build_marts(con)
    yield con
    con.close()


def test_checks_on_postgres_run_through_the_gx_postgres_datasource(warehouse, as_of, monkeypatch):  # noqa: F811
    from expectations import gx_pandas, gx_postgres, run_checks

    validated: list[str] = []
    real = gx_postgres.PostgresValidator.validate_query

    def spy(self, suite, query, index_columns):
        validated.append(suite.name)
        if suite.name == "raw_reference__population":
            raise RuntimeError("boom")
        return real(self, suite, query, index_columns)

    monkeypatch.setattr(gx_postgres.PostgresValidator, "validate_query", spy)
    monkeypatch.setattr(gx_pandas.PandasValidator, "validate", lambda *a: pytest.fail("pandas path used on Postgres"))
    run = run_checks(warehouse, as_of=as_of)
    assert "marts_fct_indicator_values" in validated and "marts_fct_indicator_breakdowns" in validated and "raw_case_system__ssd_person" in validated
    assert run.status == "FAILED" and run.blocking_failures == 1
    [failure] = [f for f in run.failures if f.check_name == "suite_could_run"]
    assert failure.message == "raw.reference__population: the checks could not run: RuntimeError: boom"


def test_duplicate_key_fails_naming_the_check_the_authority_and_the_key(warehouse, add_rows, rows, as_of):  # noqa: F811
    """On Postgres GX's SQL route returns the failing keys of a compound (per-authority) key without their index
    columns, so the message names the authority and the key but not the file and rows the DuckDB route quotes."""
    from datetime import date

    from expectations import run_checks

    cin = "case_system__ssd_cin_episodes"
    add_rows(cin, rows[cin] + [dict(rows[cin][1], cine_referral_date=date(2025, 1, 2))])
    run = run_checks(warehouse, as_of=as_of)
    assert run.status == "FAILED" and run.blocking_failures == 1
    [failure] = [f for f in run.failures if f.check_name == "expect_column_values_to_be_unique(cine_referral_id)"]
    assert failure.severity == "blocking" and failure.failing_rows == 2 and failure.suite == f"raw_{cin}"
    assert failure.message == ("raw.case_system__ssd_cin_episodes: 2 rows have the same cine_referral_id as another "
                               "row of the same authority (authority 841; key R002)")
