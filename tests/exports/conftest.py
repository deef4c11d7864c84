"""A temporary DuckDB warehouse holding the five tables the regional return reads, with fixture rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from exports import ReturnFiles, write_regional_return
from foundation.periods import Quarter

LA = "841"
PERIOD = "2024-25Q4"
CATALOGUE_VERSION = "2025.1"

DDL = """
create schema marts;
create schema dq;
create table marts.fct_indicator_values (
    indicator_id varchar, la_code varchar, period_type varchar, period_label varchar,
    period_start date, period_end date, numerator double, denominator double, value double
);
create table marts.dim_indicators (
    indicator_id varchar, title varchar, domain varchar, unit varchar, better varchar, definition varchar,
    source varchar, statutory_reference varchar, in_regional_return boolean, regional_return_order integer,
    target double, rag_tolerance double, catalogue_version varchar
);
create table marts.dim_local_authorities (la_code varchar, la_gss_code varchar, la_name varchar, region varchar);
create table dq.runs (
    run_id varchar, started_at timestamp, finished_at timestamp, as_of date, status varchar,
    checks_run integer, blocking_failures integer, warnings integer,
    state_batch_id bigint, state_build_id bigint, state_build_status varchar
);
create table dq.check_results (
    run_id varchar, suite varchar, check_name varchar, feed varchar, table_name varchar, severity varchar,
    status varchar, observed_value varchar, failing_rows bigint, failing_sample varchar, message varchar,
    checked_at timestamp
);
"""

# id, title, unit, better, definition, in return, order — deliberately not in id order.
CATALOGUE = [
    ("REF_RATE", "Referrals per 10,000 children", "rate", None, "REF_COUNT per 10,000 aged 0-17", True, 1),
    ("ASMT_45WD_PCT", "Assessments within 45 working days", "percent", "high", "Of assessments authorised in period, those within 45 working days", True, 2),
    ("CLA_STARTS", "Children starting to be looked after", "count", None, "Episodes with start reason S and start date in period", True, 3),
    ("CLA_UASC_COUNT", "UASC looked after", "count", None, "Children looked after at period end with status UASC", True, 4),
    ("CPP_SECOND_PCT", "Second or subsequent CP plans", "percent", "low", "Of CP plans started in period, those whose child had an earlier plan", True, 5),
    ("HLTH_DENTAL_PCT", "Dental checks", "percent", "high", "Of the 12-month cohort, those with a dental check", True, 6),
    ("CL_EET_19_21_PCT", "Care leavers 19-21 in EET", "percent", "high", "Of the cohort aged 19-21, those in education, employment or training", True, 7),
    ("WF_CASELOAD_AVG", "Average caseload", "ratio", "low", "Open involvements per professional", True, 8),
    ("CONT_COUNT", "@Contacts", "count", None, "=SUM(A1) contacts with a contact date in period", True, 9),
    ("REF_NFA_PCT", "Referrals with no further action", "percent", None, "Of referrals in period, those NFA", False, None),
]

# 2023-24Q1 .. 2024-25Q4; index i is the quarter's position.
QUARTERS = [Quarter(2023, n) for n in (1, 2, 3, 4)] + [Quarter(2024, n) for n in (1, 2, 3, 4)]


def fixture_values() -> list[tuple[str, str, float | None, float | None, float | None]]:
    """(indicator_id, period_label, numerator, denominator, value) for LA 841."""
    rows: list[tuple[str, str, float | None, float | None, float | None]] = []
    for i, quarter in enumerate(QUARTERS):
        label, current = quarter.label, quarter.label == PERIOD
        rows.append(("REF_RATE", label, 100.0 + i, 25000.0, (100.0 + i) / 25000.0 * 10000))
        rows.append(("ASMT_45WD_PCT", label, 80.0 + i, 100.0 + i, 100 * (80.0 + i) / (100.0 + i)))
        starts = 3.0 if current else 10.0 + i
        rows.append(("CLA_STARTS", label, starts, None, starts))
        uasc = {PERIOD: 0.0, "2024-25Q3": 5.0, "2024-25Q2": 4.0}.get(label, 6.0 + i)
        rows.append(("CLA_UASC_COUNT", label, uasc, None, uasc))
        rows.append(("CPP_SECOND_PCT", label, 2.0, 30.0, 100 * 2.0 / 30.0) if current else ("CPP_SECOND_PCT", label, 6.0, 30.0, 20.0))
        rows.append(("HLTH_DENTAL_PCT", label, 0.0, 0.0, None) if current else ("HLTH_DENTAL_PCT", label, 30.0 + i, 40.0, 100 * (30.0 + i) / 40.0))
        if not current:
            rows.append(("CL_EET_19_21_PCT", label, 20.0, 50.0, 40.0))
        rows.append(("WF_CASELOAD_AVG", label, 350.0 + i, 20.0, (350.0 + i) / 20.0))
        rows.append(("CONT_COUNT", label, 1234.0 + i, None, 1234.0 + i))
        rows.append(("REF_NFA_PCT", label, 10.0, 100.0, 10.0))
    return rows


@pytest.fixture
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = build_warehouse()
    yield con
    con.close()


def build_warehouse(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A warehouse (in memory unless `path`): catalogue, authorities, eight quarters of values for 841, two dq runs."""
    con = duckdb.connect(path)
    con.execute(DDL)
    for order, (indicator_id, title, unit, better, definition, in_return, position) in enumerate(CATALOGUE):
        con.execute(
            "insert into marts.dim_indicators values (?, ?, 'domain', ?, ?, ?, 'source', 'ref', ?, ?, null, null, ?)",
            [indicator_id, title, unit, better, definition, in_return, position, CATALOGUE_VERSION],
        )
    con.execute(
        "insert into marts.dim_local_authorities values "
        "('841', 'E06000005', 'Darlington', 'North East'), ('840', 'E06000047', 'County Durham', 'North East')"
    )
    by_label = {q.label: q for q in QUARTERS}
    for indicator_id, label, numerator, denominator, value in fixture_values():
        quarter = by_label[label]
        con.execute(
            "insert into marts.fct_indicator_values values (?, ?, 'quarter', ?, ?, ?, ?, ?, ?)",
            [indicator_id, LA, label, quarter.start, quarter.end, numerator, denominator, value],
        )
    # Decoys the return must ignore: another authority, and month / year rows.
    con.execute(
        "insert into marts.fct_indicator_values values "
        "('CLA_STARTS', '840', 'quarter', '2024-25Q4', '2025-01-01', '2025-03-31', 99, null, 99), "
        "('CLA_STARTS', '841', 'month', '2025-01', '2025-01-01', '2025-01-31', 1, null, 1), "
        "('CLA_STARTS', '841', 'year', '2024-25', '2024-04-01', '2025-03-31', 77, null, 77)"
    )
    add_run(con, "run-1", datetime(2025, 4, 10, 8, 0), "FAILED", [("raw_case_system__contacts", "not_null_contact_date", "blocking", "failed", "4")])
    add_run(
        con,
        "run-2",
        datetime(2025, 4, 14, 9, 0),
        "PASSED",
        [
            ("raw_case_system__contacts", "not_null_contact_date", "blocking", "passed", "0"),
            ("raw_case_system__cla_episodes", "unique_episode_id", "blocking", "passed", "0"),
            # dq keeps the values a check found; the return shares only the count before them
            ("raw_health__assessments", "completed_date_not_future", "warning", "failed", "3 of 40 rows; found 2031-02-30"),
        ],
    )
    return con


def add_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    started_at: datetime,
    status: str,
    checks: Sequence[tuple[str, str, str, str, str]],
    as_of: date = date(2025, 4, 11),
) -> None:
    """A dq run with its check results: (suite, check_name, severity, status, observed_value). It records the
    warehouse state it checked as the current one (foundation.state), as `csw check` does."""
    from foundation.state import read_state, state_values

    failing = [c for c in checks if c[3] == "failed"]
    con.execute(
        "insert into dq.runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id, started_at, started_at, as_of, status, len(checks),
            sum(1 for c in failing if c[2] == "blocking"), sum(1 for c in failing if c[2] == "warning"),
            *state_values(read_state(con)),
        ],
    )
    for suite, check_name, severity, check_status, observed in checks:
        con.execute(
            "insert into dq.check_results (run_id, suite, check_name, feed, table_name, severity, status, "
            "observed_value, failing_rows, checked_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # dq may add columns
            [
                run_id, suite, check_name, suite.removeprefix("raw_").split("__")[0],
                suite.split("__")[-1], severity, check_status, observed,
                3 if check_status == "failed" else 0, started_at,
            ],
        )


@pytest.fixture
def record_run() -> Callable[..., None]:
    """`record_run(con, run_id, started_at, status, checks)`: add a dq run (see `add_run`)."""
    return add_run


GENERATED_AT = datetime(2025, 4, 14, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def write_return(warehouse: duckdb.DuckDBPyConnection, tmp_path: Path) -> Callable[..., ReturnFiles]:
    """Write the fixture return (841, 2024-25Q4, fixed generated_at) into tmp_path/out; keywords override."""

    def write(**overrides: object) -> ReturnFiles:
        arguments: dict[str, object] = {
            "period": PERIOD, "out_dir": tmp_path / "out", "la_code": LA, "generated_at": GENERATED_AT,
        }
        return write_regional_return(warehouse, **(arguments | overrides))  # type: ignore[arg-type]

    return write


@pytest.fixture
def return_table() -> Callable[[Path], dict[str, dict[str, object]]]:
    """Read the Return sheet as {indicator_id: {header: value}}, in sheet order."""

    def read(workbook: Path) -> dict[str, dict[str, object]]:
        ws = load_workbook(workbook)["Return"]
        rows = list(ws.iter_rows(values_only=True))
        headers = [str(h) for h in rows[0]]
        return {str(row[0]): dict(zip(headers, row)) for row in rows[1:]}

    return read


@pytest.fixture
def file_warehouse(settings, monkeypatch) -> Path:
    """The fixture warehouse above as the DuckDB file of `settings`, with addresses configured."""
    settings.warehouse.parent.mkdir(parents=True)
    con = build_warehouse()
    con.execute(f"attach '{settings.warehouse}' as target")
    con.execute("copy from database memory to target")
    con.close()
    monkeypatch.setenv("CSW_ALERT_TO", "performance@example.org")
    monkeypatch.setenv("CSW_ALLIANCE_TO", "returns@alliance.example.org; analyst@example.org")
    return settings.warehouse


def settings_now():
    """Settings as the environment holds them now (after a test's monkeypatch.setenv)."""
    from foundation.settings import get_settings

    return get_settings()


def as_hub(con, la_code: str, decoy: str = "840") -> None:
    """Make a hand-built staging layer a hub's (docs/regional-hub.md): every staging and intermediate table (not
    the national calendar) gains `la_code` = `la_code` on its rows, then a copy of each row as authority `decoy`'s,
    with the same ids and child keys, which an export for `la_code` must never read (its exact assertions hold
    only if each query keeps to its authority). Plain SQL both engines read."""
    tables = [tuple(row) for row in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('staging', 'intermediate') and table_name <> 'int_calendar' "
        "order by table_schema, table_name").fetchall()]
    for schema, table in tables:
        columns = [row[0] for row in con.execute(
            "select column_name from information_schema.columns where table_schema = $1 and table_name = $2 "
            "order by ordinal_position", [schema, table]).fetchall()]
        if "la_code" not in columns:
            con.execute(f"alter table {schema}.{table} add column la_code varchar default '{la_code}'")
            columns.append("la_code")
        names = ", ".join(columns)
        values = ", ".join(f"'{decoy}'" if c == "la_code" else c for c in columns)
        con.execute(f"insert into {schema}.{table} ({names}) select {values} from {schema}.{table} "
                    f"where la_code = '{la_code}'")
