"""The DfE validators' findings in the `dq` schema, beside our own checks' results.

`dq.dfe_runs`: one row per validation (which return, year, files, ruleset, rules in it, rules that raised,
time); `dq.dfe_findings`: one row per finding (rule code, message, table, row, child, the DfE's class: error or
query). A run's id is derived from the return, year and file contents (runner.run_id_for), and storing a run
replaces whatever that id held, so validating the same files twice leaves one copy.

`child_id` is the authority's own case-system id as the return carries it (CHILD in the 903, LAchildID in the
CIN census): the `dq` schema is not granted to the BI role (deploy/postgres/roles.sql), nothing in marts or
the regional return reads these tables, and the per-team error report (exports/dfe_error_report.py) is
the only reader that prints it, for the authority's own staff.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from expectations.dfe_validators.runner import ValidationRun
from foundation.warehouse import Connection, first_row, table_exists, transaction, write_frame

RUNS_TABLE = "dq.dfe_runs"
FINDINGS_TABLE = "dq.dfe_findings"

_RUN_COLUMNS = (
    ("run_id", "varchar"),
    ("return_name", "varchar"),
    ("collection_year", "varchar"),
    ("inputs", "varchar"),
    ("ruleset", "varchar"),
    ("rules_in_registry", "integer"),
    ("failed_rules", "varchar"),
    ("findings", "integer"),
    ("validator_seconds", "double precision"),
    ("validated_at", "timestamp"),
)
_FINDING_COLUMNS = (
    ("run_id", "varchar"),
    ("return_name", "varchar"),
    ("collection_year", "varchar"),
    ("rule_code", "varchar"),
    ("message", "varchar"),
    ("severity", "varchar"),
    ("table_name", "varchar"),
    ("row_id", "varchar"),
    ("child_id", "varchar"),
    ("columns_affected", "varchar"),
)


def _ddl(table: str, columns: tuple[tuple[str, str], ...]) -> str:
    return f"create table if not exists {table} ({', '.join(f'{n} {t}' for n, t in columns)})"


def ensure_tables(con: Connection) -> None:
    con.execute("create schema if not exists dq")
    con.execute(_ddl(RUNS_TABLE, _RUN_COLUMNS))
    con.execute(_ddl(FINDINGS_TABLE, _FINDING_COLUMNS))


def write_validation(con: Connection, run: ValidationRun, *, validated_at: datetime | None = None) -> None:
    """Store the run and its findings in one transaction, replacing what the same run id stored before.
    Return-level issues (no child, e.g. CIN 2883) are stored as findings with an empty table and child."""
    stamp = (validated_at or datetime.now(timezone.utc)).replace(tzinfo=None)
    rows = [(run.run_id, run.return_name, run.year, f.rule_code, f.message, f.severity, f.table_name, f.row_id,
             f.child_id, f.columns) for f in run.findings]
    rows += [(run.run_id, run.return_name, run.year, r["rule_code"], r["rule_description"], r["rule_type"], "", "", "",
              "") for r in run.return_level]
    findings = pd.DataFrame(rows, columns=[n for n, _ in _FINDING_COLUMNS], dtype="object")
    with transaction(con):
        ensure_tables(con)
        con.execute(f"delete from {FINDINGS_TABLE} where run_id = $1", [run.run_id])
        con.execute(f"delete from {RUNS_TABLE} where run_id = $1", [run.run_id])
        con.execute(
            f"insert into {RUNS_TABLE} ({', '.join(n for n, _ in _RUN_COLUMNS)}) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [run.run_id, run.return_name, run.year, "; ".join(str(p) for p in run.inputs), run.ruleset,
             run.rules_in_registry, " ".join(run.failed_rules), len(rows), run.validator_seconds, stamp])
        if len(findings):
            write_frame(con, FINDINGS_TABLE, findings)


def latest_run_id(con: Connection, return_name: str, year: str) -> str | None:
    """The most recently stored validation of that return and year, or None."""
    if not table_exists(con, "dq", "dfe_runs"):
        return None
    row = first_row(con, f"select run_id from {RUNS_TABLE} where return_name = $1 and collection_year = $2 "
                         "order by validated_at desc limit 1", [return_name, year])
    return row[0] if row else None


def read_findings(con: Connection, run_id: str) -> pd.DataFrame:
    """A stored run's findings, in rule, table, child, row order."""
    rows = con.execute(
        f"select {', '.join(n for n, _ in _FINDING_COLUMNS)} from {FINDINGS_TABLE} where run_id = $1 "
        "order by rule_code, table_name, child_id, row_id", [run_id]).fetchall()
    return pd.DataFrame(rows, columns=[n for n, _ in _FINDING_COLUMNS])
