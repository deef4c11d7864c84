"""A temporary DuckDB warehouse: every raw table created from its contract (a few with hand-written rows,
the rest empty as if their feed had not been delivered yet) and the two indicator marts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.contracts import all_tables
from ingest.core.contract import TableContract
from ingest.core.load import ensure_loads_table

AS_OF = date(2025, 3, 31)
LA = "841"

_CONTRACTS = {c.raw_table: c for c in all_tables()}


def contract(raw_table: str) -> TableContract:
    return _CONTRACTS[raw_table]


def create_raw_table(con: duckdb.DuckDBPyConnection, table: TableContract) -> None:
    ensure_loads_table(con)  # as in every loaded warehouse: the current batch of a snapshot is read from it
    columns = [f'"{c.name}" {c.sql_type}' for c in table.columns]
    columns += ["_source_file varchar", "_row_number bigint", "_loaded_at timestamp", "_batch_id bigint",
                "_la_code varchar"]
    con.execute(f"create table raw.{table.raw_table} ({', '.join(columns)})")


def insert_rows(
    con: duckdb.DuckDBPyConnection, raw_table: str, rows: list[dict[str, Any]], *, batch_id: int = 1,
    source_file: str | None = None, la_code: str | None = LA,
) -> None:
    """Append one batch of authority `la_code`'s (a row's own `_la_code` wins; None: a table made before the hub,
    without the column); `_row_number` counts data rows from 1 as the loader does."""
    table = contract(raw_table)
    source_file = source_file or f"{table.table}.csv"
    for number, row in enumerate(rows, start=1):
        values = {**({"_la_code": la_code} if la_code else {}), **row, "_source_file": source_file,
                  "_row_number": number, "_batch_id": batch_id}
        names = ", ".join(f'"{n}"' for n in values)
        markers = ", ".join(f"${n}" for n in range(1, len(values) + 1))
        con.execute(
            f"insert into raw.{raw_table} ({names}, _loaded_at) values ({markers}, current_timestamp)",
            list(values.values()),
        )


PERSONS = [
    {"pers_person_id": "P001", "pers_sex": "F", "pers_dob": date(2012, 5, 1), "pers_ethnicity": "WBRI"},
    {"pers_person_id": "P002", "pers_sex": "M", "pers_dob": date(2015, 9, 30), "pers_ethnicity": "MWBC"},
    # unborn: no date of birth, an expected one after the as-of date (allowed)
    {"pers_person_id": "P003", "pers_sex": "U", "pers_dob": None, "pers_ethnicity": "NOBT",
     "pers_expected_dob": date(2025, 6, 1)},
]
REFERRALS = [
    {"cine_referral_id": "R001", "cine_person_id": "P001", "cine_referral_date": date(2024, 4, 3),
     "cine_cin_primary_need_code": "N1", "cine_referral_source_code": "1A", "cine_referral_nfa": "N",
     "cine_close_reason": "RC1", "cine_close_date": date(2024, 9, 1)},
    {"cine_referral_id": "R002", "cine_person_id": "P002", "cine_referral_date": date(2024, 11, 20),
     "cine_cin_primary_need_code": "N2", "cine_referral_source_code": "5A", "cine_referral_nfa": "Y",
     "cine_close_reason": None, "cine_close_date": None},
    {"cine_referral_id": "R003", "cine_person_id": "P001", "cine_referral_date": date(2025, 2, 14),
     "cine_cin_primary_need_code": "N4", "cine_referral_source_code": "10", "cine_referral_nfa": "N",
     "cine_close_reason": None, "cine_close_date": None},
]
POPULATION = [
    {"la_code": LA, "year": 2024, "age": str(age), "population": 1500 + age} for age in range(18)
]
LOCAL_AUTHORITIES = [
    {"la_code": LA, "la_gss_code": "E06000005", "la_name": "Darlington", "region": "North East",
     "stat_neighbours": "840;805"},
]
CATALOGUE = [  # indicator_id, unit
    ("REF_COUNT", "count"),
    ("REF_RATE", "rate"),
    ("REREF_12M_PCT", "percent"),
    ("ASMT_AVG_WD", "days"),
    ("SDQ_AVG", "score"),
]
INDICATOR_VALUES = [
    # indicator_id, period_type, period_label, start, end, numerator, denominator, value
    ("REF_COUNT", "quarter", "2024-25Q4", date(2025, 1, 1), date(2025, 3, 31), 1, None, 1),
    ("REF_COUNT", "year", "2024-25", date(2024, 4, 1), date(2025, 3, 31), 3, None, 3),
    ("REF_RATE", "year", "2024-25", date(2024, 4, 1), date(2025, 3, 31), 3, 27153, 1.1049),
    ("REREF_12M_PCT", "year", "2024-25", date(2024, 4, 1), date(2025, 3, 31), 1, 3, 33.333),
    ("REREF_12M_PCT", "quarter", "2024-25Q3", date(2024, 10, 1), date(2024, 12, 31), 0, 0, None),
    ("ASMT_AVG_WD", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31), 60, 2, 30),
    ("SDQ_AVG", "year", "2024-25", date(2024, 4, 1), date(2025, 3, 31), 28, 2, 14),
]
# every indicator has a row for every period of the mart (period completeness): the rest have no events
_PERIODS = {(pt, pl, ps, pe) for _, pt, pl, ps, pe, *_ in INDICATOR_VALUES}
INDICATOR_VALUES += [
    (i, pt, pl, ps, pe, 0, 0, None)
    for i, _ in CATALOGUE for pt, pl, ps, pe in sorted(_PERIODS)
    if not any(v[0] == i and v[2] == pl for v in INDICATOR_VALUES)
]
# the other marts, empty: their key checks run on no rows
OTHER_MARTS = {
    "dim_local_authorities": "la_code varchar",
    "fct_referrals": "referral_key varchar, child_key varchar",
    "fct_assessments": "assessment_key varchar, child_key varchar",
    "fct_cp_plans": "cp_plan_key varchar, child_key varchar",
    "fct_cla_episodes": "cla_episode_key varchar, child_key varchar",
    "fct_indicator_breakdowns": "indicator_id varchar, la_code varchar, period_type varchar, period_label varchar, "
                                "dimension varchar, dimension_value varchar, value double precision",
}


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists marts")
    con.execute("create table marts.dim_indicators (indicator_id varchar, title varchar, unit varchar)")
    for i, u in CATALOGUE:  # the same statements on DuckDB and Postgres (a psycopg connection has no executemany)
        con.execute("insert into marts.dim_indicators values ($1, $2, $3)", [i, i.title(), u])
    con.execute(
        "create table marts.fct_indicator_values (indicator_id varchar, la_code varchar, period_type varchar, "
        "period_label varchar, period_start date, period_end date, numerator double precision, "
        "denominator double precision, value double precision)"  # portable: the same DDL runs on Postgres
    )
    add_indicator_values(con, INDICATOR_VALUES)
    for table, columns in OTHER_MARTS.items():
        con.execute(f"create table marts.{table} ({columns})")


def add_indicator_values(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    for i, pt, pl, ps, pe, n, d, v in rows:
        con.execute("insert into marts.fct_indicator_values values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    [i, LA, pt, pl, ps, pe, n, d, v])


@pytest.fixture
def as_of() -> date:
    return AS_OF


@pytest.fixture
def rows() -> dict[str, list[dict[str, Any]]]:
    """Fresh copies of the clean fixture rows, by raw table, for a test to alter and re-insert."""
    return {
        "case_system__ssd_person": [dict(r) for r in PERSONS],
        "case_system__ssd_cin_episodes": [dict(r) for r in REFERRALS],
        "reference__population": [dict(r) for r in POPULATION],
        "reference__local_authorities": [dict(r) for r in LOCAL_AUTHORITIES],
    }


@pytest.fixture
def add_rows(warehouse: duckdb.DuckDBPyConnection):
    """`add_rows(raw_table, rows, batch_id=2)`: append a batch (a higher batch id is the new current one)."""

    def add(
        raw_table: str, new_rows: list[dict[str, Any]], *, batch_id: int = 2, source_file: str | None = None,
        la_code: str | None = LA,
    ) -> None:
        insert_rows(warehouse, raw_table, new_rows, batch_id=batch_id, source_file=source_file, la_code=la_code)

    return add


@pytest.fixture
def add_values(warehouse: duckdb.DuckDBPyConnection):
    """`add_values([(indicator_id, period_type, period_label, start, end, numerator, denominator, value)])`."""

    def add(new_rows: list[tuple]) -> None:
        for i, pt, pl, *_ in new_rows:  # a row replaces the no-events filler of its key, never a real value
            warehouse.execute(
                "delete from marts.fct_indicator_values where indicator_id = $1 and period_type = $2 "
                "and period_label = $3 and value is null and numerator = 0", [i, pt, pl])
        add_indicator_values(warehouse, new_rows)

    return add


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Clean fixtures: every check passes; the tables without rows only warn 'table not loaded'."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw")
    for table in all_tables():
        create_raw_table(con, table)
    insert_rows(con, "case_system__ssd_person", PERSONS)
    insert_rows(con, "case_system__ssd_cin_episodes", REFERRALS)
    insert_rows(con, "reference__population", POPULATION)
    insert_rows(con, "reference__local_authorities", LOCAL_AUTHORITIES)
    build_marts(con)
    yield con
    con.close()
