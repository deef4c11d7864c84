"""The `dq` schema: one row per check run (`dq.runs`) and per check (`dq.check_results`), kept over time;
the warnings performance officers acknowledged (`dq.acknowledgements`) and the alerts sent (`dq.alerts`).

The regional export reads these two tables by name; their columns are an interface (docs/specs/PRODUCT.md).
"""

from __future__ import annotations

import pandas as pd

from expectations.results import CheckResult, CheckRun
from foundation.state import STATE_COLUMNS, state_values
from foundation.warehouse import Connection, transaction, write_frame

RUNS_TABLE = "dq.runs"
RESULTS_TABLE = "dq.check_results"

_RUNS_DDL = f"""
create table if not exists {RUNS_TABLE} (
    run_id varchar,
    started_at timestamp,
    finished_at timestamp,
    as_of date,
    status varchar,
    checks_run integer,
    blocking_failures integer,
    warnings integer
)
"""
_RESULTS_COLUMNS = (
    ("run_id", "varchar"),
    ("suite", "varchar"),
    ("check_name", "varchar"),
    ("feed", "varchar"),
    ("table_name", "varchar"),
    ("severity", "varchar"),
    ("status", "varchar"),
    ("observed_value", "varchar"),
    ("failing_rows", "bigint"),
    ("failing_sample", "varchar"),
    ("message", "varchar"),
    ("checked_at", "timestamp"),
    ("acknowledged_by", "varchar"),  # who acknowledged this failed warning (dq.acknowledgements); else null
    ("la_code", "varchar"),  # the authority the result is about; null: every authority without its own result
)
_RESULTS_DDL = f"create table if not exists {RESULTS_TABLE} ({', '.join(f'{n} {t}' for n, t in _RESULTS_COLUMNS)})"


ACKNOWLEDGEMENTS_TABLE = "dq.acknowledgements"
_ACKNOWLEDGEMENTS_DDL = f"""
create table if not exists {ACKNOWLEDGEMENTS_TABLE} (
    suite varchar,
    check_name varchar,
    acknowledged_by varchar,
    reason varchar,
    acknowledged_at timestamp,
    expires_on date
)
"""
ALERTS_TABLE = "dq.alerts"
_ALERTS_DDL = f"""
create table if not exists {ALERTS_TABLE} (
    run_id varchar,
    kind varchar,
    suite varchar,
    check_name varchar,
    sent_at timestamp,
    recipients varchar
)
"""


def ensure_tables(con: Connection) -> None:
    con.execute("create schema if not exists dq")
    con.execute(_RUNS_DDL)
    for name, sql_type in STATE_COLUMNS:  # the warehouse state the run checked (foundation/state.py)
        con.execute(f"alter table {RUNS_TABLE} add column if not exists {name} {sql_type}")
    con.execute(_RESULTS_DDL)
    # a warehouse created before a column was added gains it, empty (DuckDB and Postgres both accept this)
    for name, sql_type in _RESULTS_COLUMNS:
        con.execute(f"alter table {RESULTS_TABLE} add column if not exists {name} {sql_type}")
    con.execute(_ACKNOWLEDGEMENTS_DDL)
    con.execute(_ALERTS_DDL)


def write_run(con: Connection, run: CheckRun, results: list[CheckResult]) -> None:
    """Append the run and its results in one transaction: a reader sees all of a run or none of it."""
    frame = pd.DataFrame(
        [
            (run.run_id, r.suite, r.check_name, r.feed, r.table_name, r.severity, r.status, r.observed_value,
             r.failing_rows, r.failing_sample, r.message, r.checked_at, r.acknowledged_by, r.la_code)
            for r in results
        ],
        columns=[name for name, _ in _RESULTS_COLUMNS],
    ).astype({"failing_rows": "Int64"})
    with transaction(con):
        ensure_tables(con)
        con.execute(
            f"insert into {RUNS_TABLE} (run_id, started_at, finished_at, as_of, status, checks_run, "
            f"blocking_failures, warnings, {', '.join(name for name, _ in STATE_COLUMNS)}) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [run.run_id, run.started_at, run.finished_at, run.as_of, run.status, run.checks_run,
             run.blocking_failures, run.warnings, *(state_values(run.state) if run.state else (None, None, None))],
        )
        write_frame(con, RESULTS_TABLE, frame)
