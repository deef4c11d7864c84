"""One home for each kind of check (docs/data-quality.md): dbt tests hold the models' contracts, Great
Expectations the data-quality verdicts, and no check is in both; "current rows" is dbt's `current_rows` only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from expectations.current_rows import current_rows_sql, staging_calls
from foundation.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from ingest.contracts import all_tables
from ingest.core import codes

STAGING = DBT_PROJECT_DIR / "models" / "staging"
MARTS_YAML = DBT_PROJECT_DIR / "models" / "marts" / "_marts__models.yml"


# Statutory files keep every file's rows by design, each under its own period (docs/statutory/sources.md): every
# Annex A workbook under its as-of date, each CIN census and SSDA903 set under its collection year (the newest
# file of each year: `current_rows(..., year_file=...)`, through the macro `census_current` for the census). They
# are not "the newest batch" of a feed.
KEEPS_EVERY_PERIOD = {"annex_a", "cin_census", "ssda903"}
BY_COLLECTION_YEAR = {"ssda903"}  # read through `current_rows` with `year_file`, its own table

def _tests(yaml_path: Path) -> list[tuple[str, str | None, str, object]]:
    """(model, column or None, test name, its arguments) of every dbt data test in a models YAML."""
    found = []
    for model in (yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or {}).get("models", []):
        entries = [(None, t) for t in model.get("data_tests") or []]
        entries += [(c["name"], t) for c in model.get("columns") or [] for t in c.get("data_tests") or []]
        for column, test in entries:
            name, args = (test, None) if isinstance(test, str) else next(iter(test.items()))
            found.append((model["name"], column, name, args))
    return found


def test_staging_yaml_repeats_no_verdict_of_the_raw_suites_or_the_staging_relationships():
    # a statutory source's staging models are derived (years chained, one SSD object's shape), so their grain is a
    # model contract of dbt's own, not a raw key the suites check (KEEPS_EVERY_PERIOD below)
    tests = [t for path in sorted(STAGING.rglob("_*__models.yml"))
             if not set(path.relative_to(STAGING).parts) & KEEPS_EVERY_PERIOD
             for t in _tests(path)]
    kinds = {name for _, _, name, _ in tests}
    assert not kinds & {"accepted_values", "relationships", "unique", "unique_combination"}, kinds
    # what is left: the pseudonymisation lookup found a child_key (a warning on our staging code)
    assert {(column, name) for _, column, name, _ in tests} == {("child_key", "not_null")}


def test_code_lists_come_only_from_the_contracts():
    """No dbt YAML retypes a code list of ingest/core/codes.py (the raw suites check those, from the contracts)."""
    lists = {frozenset(v) for v in vars(codes).values() if isinstance(v, tuple)}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for model, column, name, args in _tests(path):
            if name == "accepted_values":
                values = frozenset(str(v) for v in args["arguments"]["values"])
                assert values not in lists, f"{path.name}: {model}.{column} retypes a code list"


@pytest.fixture(scope="module")
def suites():
    from expectations import suites
    from expectations._gx import gx

    gx.get_context(mode="ephemeral")  # building an expectation needs an active context (a run makes its own)
    return suites


def test_mart_contracts_are_dbt_tests_and_no_gx_suite_repeats_them(suites):
    dbt = {(model, column, name) for model, column, name, _ in _tests(MARTS_YAML)}
    # the grain, the catalogue link and the period types of the indicator values fail the build in dbt
    values = {(c, n) for m, c, n in dbt if m == "fct_indicator_values"}
    assert {(None, "unique_combination"), ("indicator_id", "relationships"), ("period_type", "accepted_values")
            } | {(k, "not_null") for k in suites.MART_KEY} <= values
    breakdowns = {(c, n) for m, c, n in dbt if m == "fct_indicator_breakdowns"}
    assert {(None, "unique_combination")} | {(k, "not_null") for k in suites.BREAKDOWN_KEY} <= breakdowns
    assert not any(name == "values_within_unit_range" for _, _, name in dbt)  # ranges are GX's
    for suite in (suites.mart_suite(), suites.breakdown_suite()):
        kinds = {type(e).__name__ for e in suite.expectations}
        assert kinds <= {"ExpectColumnToExist", "ExpectTableRowCountToBeBetween", "ExpectColumnValuesToBeBetween"}
    assert not hasattr(suites, "MART_KEYS")




def test_every_raw_table_is_read_through_its_staging_models_current_rows_call():
    calls = staging_calls()
    tables = [c for c in all_tables() if c.feed not in KEEPS_EVERY_PERIOD]
    assert {c.raw_table for c in tables} <= set(calls)
    for contract in tables:
        (source, table, *keys), keywords = calls[contract.raw_table]
        # the published benchmarks are about an area, not the authority that sent them: current across authorities
        shared = {"per_authority": False} if contract.feed == "benchmarks" else {}
        assert (source, table) == (contract.feed, contract.raw_table) and keywords == shared
        # an incremental feed names its contract's key; a snapshot feed takes the newest file
        assert keys in ([], [list(contract.key)]), contract.raw_table
    assert current_rows_sql("health__assessments").endswith("where ranked.key_rank = 1 ) as current_rows")
    assert "partition by keyed._la_code, keyed.assessment_id" in current_rows_sql("health__assessments")
    assert ("raw._loads as loads where loads.table_name = 'case_system__ssd_person'"
            in current_rows_sql("case_system__ssd_person"))


def test_each_collection_years_newest_file_is_what_staging_and_the_raw_suites_read():
    calls = staging_calls()
    by_year = [c for c in all_tables() if c.feed in BY_COLLECTION_YEAR]
    read = [c for c in by_year if c.raw_table in calls]
    assert read, "no SSDA903 table is read by a staging model"
    for contract in read:
        assert calls[contract.raw_table] == ((contract.feed, contract.raw_table), {"year_file": contract.raw_table})
    for contract in by_year:  # read by staging or not, the raw suite checks each year's newest file of the table
        sql = current_rows_sql(contract.raw_table)
        assert (f"from raw.{contract.raw_table} as year_files group by year_files._la_code, "
                "year_files.collection_year") in sql, sql
    census = [c for c in all_tables() if c.feed == "cin_census"]
    assert {c.raw_table for c in census} <= set(calls)
    for contract in census:  # one census file fills every table: the year's newest file is its children's batch
        sql = current_rows_sql(contract.raw_table)
        assert f"from raw.{contract.raw_table} as yearly" in sql, sql
        assert ("from raw.cin_census__children as year_files group by year_files._la_code, "
                "year_files.collection_year") in sql, sql


def test_current_rows_are_written_only_in_dbt():
    """The SQL of "the newest batch" / "the newest row per key" is in no Python module of the product."""
    pattern = re.compile(r"max\(_batch_id\)|_batch_id desc", re.IGNORECASE)
    found = [
        str(path.relative_to(PROJECT_ROOT))
        for package in ("foundation", "ingest", "expectations", "exports", "csw", "dags")
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    macros = [p.name for p in sorted((DBT_PROJECT_DIR / "macros").glob("*.sql")) if pattern.search(p.read_text())]
    assert macros == ["current_rows.sql"]
