"""`csw check`: validate the current rows of every raw table (what staging reads), the staging relationships,
the cross-feed reconciliations, every mart and the DfE rules, and store the results.

Each table is read once into a pandas DataFrame and validated once with its whole suite (GX's SQL
datasource over DuckDB returned empty metrics when probed, so DuckDB tables go through pandas). The GX
context is ephemeral: nothing is written to disk except the `dq` tables and, when asked, the run's Data
Docs (expectations/data_docs.py). On the Postgres target the same suites run as SQL in the server
(`expectations.gx_postgres`). Cross-table checks are SQL (expectations/cross_checks.py, dfe_rules.py).
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations import acknowledgements, policy, store
from expectations.results import CheckResult, CheckRun
from foundation.state import read_state
from foundation.warehouse import Connection
from ingest.contracts import all_tables
from ingest.core.contract import TableContract
from ingest.core.load import current_batch_sql

Progress = Callable[[str], None]

# SUMMARY returns the unexpected count plus the first N failing row indices and values: enough for
# a sample without materialising every failing row of a large table.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
SAMPLE_SIZE = 5
_META_COLUMNS = ("_source_file", "_row_number")
# Feeds whose newest file replaces the previous one (staging reads `current_batch`); every other feed is
# incremental or a dated snapshot, read by staging as the newest row of each key (`latest_per_key`).
REPLACED_FEEDS = ("case_system", "reference")


@dataclass(frozen=True)
class _Target:
    """The table being checked: how results name it and how failing rows are described."""

    suite: str
    feed: str | None
    table_name: str
    relation: str  # schema-qualified, for messages
    key: tuple[str, ...]


def run_checks(
    con: Connection, *, as_of: date, progress: Progress | None = None, data_docs: Path | None = None
) -> CheckRun:
    """Validate every raw table in the contracts (the rows staging reads), the staging relationships, the
    cross-feed reconciliations, every mart and the DfE rules; write the run to `dq.runs` / `dq.check_results`
    and, given `data_docs` (a folder), build the GX Data Docs there. `status` is FAILED if a blocking check
    failed."""
    from expectations import suites  # imports GX (slow): only when checks actually run

    say = progress or (lambda _message: None)
    started_at = _now()
    state = read_state(con)  # what this run checks: a load or build after this point makes it stale for exports
    run_id = f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    validator = _validator_for(con, run_id, started_at)
    results: list[CheckResult] = []
    for contract in all_tables():
        target = _Target(
            suite=suites.suite_name("raw", contract.raw_table),
            feed=contract.feed,
            table_name=contract.raw_table,
            relation=f"raw.{contract.raw_table}",
            key=contract.key,
        )
        table_results = _check_raw_table(con, validator, contract, target, as_of)
        _report(say, target, table_results)
        results += table_results
    mart_target = _Target(
        suite=suites.suite_name("marts", suites.MART_TABLE),
        feed=None,
        table_name=suites.MART_TABLE,
        relation=f"marts.{suites.MART_TABLE}",
        key=suites.MART_KEY,
    )
    mart_results = _check_mart(con, validator, mart_target)
    _report(say, mart_target, mart_results)
    results += mart_results
    for table in suites.MART_KEYS:
        target = _Target(suite=suites.suite_name("marts", table), feed=None, table_name=table,
                         relation=f"marts.{table}", key=suites.MART_KEYS[table])
        table_results = _check_mart_keys(con, validator, target)
        _report(say, target, table_results)
        results += table_results
    results += _check_cross_tables(con, say)
    results += _check_dfe_rules(con, say)

    results = policy.apply(con, results)  # the final severity of each result: expectations/policy.yml
    # acknowledged warnings stay failed and stored, marked with who acknowledged them (they stop alerting)
    results = acknowledgements.mark(results, acknowledgements.in_force(con, started_at.date()))
    run = CheckRun.from_results(run_id, as_of, started_at, _now(), results, state=state)
    store.write_run(con, run, results)
    if data_docs is not None:
        from expectations import data_docs as docs

        docs_started = _now()
        run.data_docs = docs.build(validator.context, data_docs)
        say(f"built Data Docs {run.data_docs} in {(_now() - docs_started).total_seconds():.1f} s")
    return run


# --- one validation per table ------------------------------------------------------------------------


class _Validator:
    """One ephemeral GX context, one pandas batch definition, reused for every table. Each suite runs as a
    GX validation definition, so its results land in the context's (in-memory) results store, from which
    the Data Docs are built at the end of the run."""

    def __init__(self, run_name: str, run_time: datetime) -> None:
        from expectations._gx import ProgressBarsConfig, RunIdentifier, gx

        self.context = gx.get_context(mode="ephemeral")
        # No tqdm bars in command output (GX shows them by default for every metric calculation).
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        asset = self.context.data_sources.add_pandas("csw_checks").add_dataframe_asset("current_rows")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_table")
        self._run_id = RunIdentifier(run_name=run_name, run_time=run_time.replace(tzinfo=timezone.utc))

    def validate(self, suite: Any, frame: pd.DataFrame) -> list[Any]:
        from expectations._gx import gx

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GX and pandas deprecation chatter would drown the command output
            suite = self.context.suites.add_or_update(suite)
            definition = self.context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite.name, data=self._batch_definition, suite=suite))
            result = definition.run(batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT,
                                    run_id=self._run_id)
            return list(result.results)


def _validator_for(con: Any, run_name: str, run_time: datetime) -> Any:
    """pandas on DuckDB; GX's Postgres datasource on Postgres (expectations.gx_postgres)."""
    from foundation.warehouse import is_postgres

    if is_postgres(con):
        from expectations.gx_postgres import PostgresValidator

        return PostgresValidator(con, RESULT_FORMAT, run_name=run_name, run_time=run_time)
    return _Validator(run_name, run_time)


def validator_reads_sql(validator: Any) -> bool:
    return hasattr(validator, "validate_query")


def _validate(
    validator: Any, suite: Any, target: _Target, frame: pd.DataFrame | None, checked_at: datetime,
    *, query: str | None = None, index_columns: Sequence[str] = (), row_count: int | None = None,
) -> list[CheckResult]:
    """One validation of the whole suite — of `frame` (pandas), or of `query` in the warehouse (Postgres) —
    and if GX itself fails, one blocking result says so (the run goes on)."""
    try:
        if query is not None:
            pairs = validator.validate_query(suite, query, index_columns)
        else:
            pairs = [(v, frame) for v in validator.validate(suite, frame)]
    except Exception as exc:  # noqa: BLE001 - recorded as a blocking failure, never swallowed
        return [
            CheckResult(
                suite=target.suite, check_name="suite_could_run", feed=target.feed, table_name=target.table_name,
                severity="blocking", status="failed", observed_value="could not run", failing_rows=None,
                failing_sample=None, checked_at=checked_at,
                message=f"{target.relation}: the checks could not run: {type(exc).__name__}: {exc}",
            )
        ]
    rows = row_count if row_count is not None else len(frame)
    return [_to_result(v, target, sample, checked_at, rows) for v, sample in pairs]


def _check_raw_table(
    con: Connection, validator: _Validator, contract: TableContract, target: _Target, as_of: date
) -> list[CheckResult]:
    from expectations import suites

    checked_at = _now()
    columns = _table_columns(con, "raw", contract.raw_table)
    frame = query = rows = None
    if columns is not None and validator_reads_sql(validator):  # Postgres: the suite runs as SQL
        query = _current_rows_query(contract, columns)
        rows = con.execute(f"select count(*) from ({query}) as current_rows").fetchone()[0]
    elif columns is not None:
        frame = _read_current_batch(con, contract, columns)
        rows = len(frame)
    if not rows:
        why = "the table does not exist" if rows is None else "no rows"
        return [
            _loaded_result(
                target, checked_at, passed=False, observed="table absent" if rows is None else "0 rows",
                message=f"{target.relation}: table not loaded ({why}): no {contract.table} file has been "
                "loaded, so its checks did not run",
            )
        ]
    results = [
        _loaded_result(target, checked_at, passed=True, observed=f"{rows:,} rows",
                       message=f"{target.relation}: {rows:,} current rows")
    ]
    index_columns = [c for c in (*contract.key, *_META_COLUMNS) if c in columns]
    return results + _validate(validator, suites.raw_suite(contract, as_of), target, frame, checked_at,
                               query=query, index_columns=index_columns, row_count=rows)


def _current_rows_query(contract: TableContract, columns: list[str]) -> str:
    """What `_read_current_batch` reads, as one SELECT (GX's query asset), absent optional columns null."""
    wanted = [c.name for c in contract.columns if c.name in columns] + [c for c in _META_COLUMNS if c in columns]
    select = [f'"{c}"' for c in wanted]
    select += [f'cast(null as {c.sql_type}) as "{c.name}"' for c in contract.columns
               if c.name not in columns and not c.required]  # docs/specs/FEEDS.md: an absent optional column is nulls
    return f"select {', '.join(select)} from {current_rows_sql(contract, columns)} as current_rows"


def _check_mart(con: Connection, validator: _Validator, target: _Target) -> list[CheckResult]:
    from expectations import suites

    checked_at = _now()
    fact_columns = _table_columns(con, "marts", suites.MART_TABLE)
    dim_columns = _table_columns(con, "marts", "dim_indicators")
    if fact_columns is None or dim_columns is None:
        absent = [name for name, cols in ((f"marts.{suites.MART_TABLE}", fact_columns),
                                          ("marts.dim_indicators", dim_columns)) if cols is None]
        return [
            CheckResult(
                suite=target.suite, check_name="marts_are_built", feed=None, table_name=target.table_name,
                severity="blocking", status="failed", observed_value="absent: " + ", ".join(absent),
                failing_rows=None, failing_sample=None,
                message=f"marts not built: {' and '.join(absent)} {'does' if len(absent) == 1 else 'do'} not exist "
                "(run `csw build` before `csw check`)",
                checked_at=checked_at,
            )
        ]
    known: list[str] = []
    if "indicator_id" in dim_columns:
        known = [r[0] for r in con.execute(
            "select distinct indicator_id from marts.dim_indicators where indicator_id is not null").fetchall()]
    if validator_reads_sql(validator) and "indicator_id" in fact_columns and "unit" in dim_columns:
        query = (f"select f.*, units.unit as {suites.UNIT_COLUMN} from marts.{suites.MART_TABLE} as f left join "
                 "(select indicator_id, max(unit) as unit from marts.dim_indicators group by indicator_id) as units "
                 "on units.indicator_id = f.indicator_id")  # GX's query asset must start with SELECT
        rows = con.execute(f"select count(*) from marts.{suites.MART_TABLE}").fetchone()[0]
        return [_marts_built(target, checked_at, rows)] + _validate(
            validator, suites.mart_suite(known), target, None, checked_at, query=query,
            index_columns=[k for k in target.key if k in fact_columns], row_count=rows)
    order = " order by " + ", ".join(f"f.{k}" for k in target.key) if set(target.key) <= set(fact_columns) else ""
    if "indicator_id" in fact_columns and "unit" in dim_columns:
        # one unit per indicator, so a duplicated catalogue row cannot duplicate mart rows here
        sql = (
            f"with units as (select indicator_id, max(unit) as unit from marts.dim_indicators group by indicator_id) "
            f"select f.*, units.unit as {suites.UNIT_COLUMN} from marts.{suites.MART_TABLE} as f "
            f"left join units on units.indicator_id = f.indicator_id{order}"
        )
        frame = con.execute(sql).df()
    else:
        frame = con.execute(f"select * from marts.{suites.MART_TABLE} as f{order}").df()
        frame[suites.UNIT_COLUMN] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if "value" in frame.columns and frame["value"].dtype == object:  # DECIMAL arrives as Python Decimals
        frame["value"] = pd.to_numeric(frame["value"])
    return [_marts_built(target, checked_at, len(frame))] + _validate(
        validator, suites.mart_suite(known), target, frame, checked_at)


def _marts_built(target: _Target, checked_at: datetime, rows: int) -> CheckResult:
    return CheckResult(
        suite=target.suite, check_name="marts_are_built", feed=None, table_name=target.table_name,
        severity="blocking", status="passed", observed_value=f"{rows:,} rows", failing_rows=0,
        failing_sample=None, message=f"{target.relation} and marts.dim_indicators exist", checked_at=checked_at,
    )


def _check_mart_keys(con: Connection, validator: _Validator, target: _Target) -> list[CheckResult]:
    """Key checks of one mart, reading only its key columns (and a breakdown's value)."""
    from expectations import suites

    checked_at = _now()
    columns = _table_columns(con, "marts", target.table_name)
    built = CheckResult(
        suite=target.suite, check_name="table_is_built", feed=None, table_name=target.table_name,
        severity="warning", status="passed" if columns else "failed",
        observed_value="built" if columns else "table absent", failing_rows=0 if columns else None,
        failing_sample=None, checked_at=checked_at,
        message=f"{target.relation} exists" if columns else f"{target.relation} is not built (run `csw build`)",
    )
    if columns is None:
        return [built]
    wanted = [c for c in (*target.key, "value") if c in columns]
    order = ", ".join(f'"{k}"' for k in target.key if k in columns)
    select = ", ".join(f'"{c}"' for c in wanted)
    if validator_reads_sql(validator):  # Postgres: the suite runs as SQL
        rows = con.execute(f"select count(*) from {target.relation}").fetchone()[0]
        return [built] + _validate(validator, suites.mart_key_suite(target.table_name), target, None, checked_at,
                                   query=f"select {select} from {target.relation}",
                                   index_columns=[k for k in target.key if k in columns], row_count=rows)
    frame = con.execute(f"select {select} from {target.relation}" + (f" order by {order}" if order else "")).df()
    if "value" in frame.columns and frame["value"].dtype == object:  # DECIMAL arrives as Python Decimals
        frame["value"] = pd.to_numeric(frame["value"])
    return [built] + _validate(validator, suites.mart_key_suite(target.table_name), target, frame, checked_at)


# --- reading ----------------------------------------------------------------------------------------


def _table_columns(con: Connection, schema: str, table: str) -> list[str] | None:
    """Column names of schema.table in the current database, or None if the table does not exist."""
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = $1 and table_name = $2 order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows] or None


def current_rows_sql(contract: TableContract, columns: Sequence[str]) -> str:
    """What staging reads of a raw table (dbt macros `current_batch` / `latest_per_key`): the newest file of
    a replaced feed, or the newest row of every key across all the files of an incremental feed."""
    table = f"raw.{contract.raw_table}"
    if "_batch_id" not in columns:
        return table
    if contract.feed in REPLACED_FEEDS:
        return current_batch_sql(contract.raw_table)
    keys = ", ".join(f'"{k}"' for k in contract.key)
    return (
        f"(select * from (select keyed.*, row_number() over (partition by {keys} "
        f"order by keyed._batch_id desc, keyed._row_number desc) as _key_rank from {table} as keyed) as ranked "
        "where ranked._key_rank = 1)"
    )


def _read_current_batch(con: duckdb.DuckDBPyConnection, contract: TableContract, columns: list[str]) -> pd.DataFrame:
    """The current rows of a raw table (`current_rows_sql`): the contract's columns plus the file and row."""
    wanted = [c.name for c in contract.columns if c.name in columns] + [c for c in _META_COLUMNS if c in columns]
    select = ", ".join(f'"{c}"' for c in wanted)
    table = f"{current_rows_sql(contract, columns)} as current_rows"
    where = ""
    # in file order, so the example rows quoted in messages are the first failing rows of the file
    order = " order by _source_file, _row_number" if all(c in columns for c in _META_COLUMNS) else ""
    frame = con.execute(f"select {select} from {table}{where}{order}").df()
    for column in contract.columns:
        if column.name not in frame.columns:
            if column.required:
                continue  # left absent: expect_column_to_exist reports it
            # docs/specs/FEEDS.md: an absent optional column becomes nulls
            frame[column.name] = pd.Series(
                pd.NaT if column.type == "date" else None, index=frame.index,
                dtype="datetime64[ns]" if column.type == "date" else object,
            )
        elif column.type == "date":
            frame[column.name] = _as_nanoseconds(frame[column.name])
    return frame


def _as_nanoseconds(series: pd.Series) -> pd.Series:
    """GX compares datetime64[ns] columns vectorised but falls back to a Python loop per row for any other
    resolution (DuckDB hands pandas datetime64[us]); a date beyond 2262 cannot be ns, so keep it as is."""
    try:
        return series.astype("datetime64[ns]")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return series


# --- results ----------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _loaded_result(target: _Target, checked_at: datetime, *, passed: bool, observed: str, message: str) -> CheckResult:
    return CheckResult(
        suite=target.suite, check_name="table_is_loaded", feed=target.feed, table_name=target.table_name,
        severity="warning", status="passed" if passed else "failed", observed_value=observed,
        failing_rows=None if not passed else 0, failing_sample=None, message=message, checked_at=checked_at,
    )


def _to_result(
    validation: Any, target: _Target, frame: pd.DataFrame, checked_at: datetime, row_count: int | None = None
) -> CheckResult:
    meta = dict(validation.expectation_config.meta or {})
    check_name = meta.get("check_name") or validation.expectation_config.type
    severity = meta.get("severity", "blocking")
    base = dict(suite=target.suite, check_name=check_name, feed=target.feed, table_name=target.table_name,
                severity=severity, checked_at=checked_at)
    error = _exception_message(validation)
    if error is not None:
        return CheckResult(**base, status="failed", observed_value="could not run", failing_rows=None,
                           failing_sample=None, message=f"{target.relation}: {check_name} could not run: {error}")
    result = dict(validation.result or {})
    passed = bool(validation.success)
    if "unexpected_count" not in result:  # table-level checks: column exists, row count
        observed = result.get("observed_value")
        return CheckResult(
            **base, status="passed" if passed else "failed",
            observed_value=None if observed is None or isinstance(observed, (list, dict)) else _text(observed),
            failing_rows=None, failing_sample=None,
            message=f"{target.relation}: " + meta.get("description" if passed else "message", check_name),
        )

    unexpected = int(result.get("unexpected_count") or 0)
    indices = [i for i in (result.get("partial_unexpected_index_list") or []) if not isinstance(i, dict)]
    indices = [i for i in indices if i in frame.index]
    found = _distinct(_text(v)[:40] for v in (result.get("partial_unexpected_list") or []) if not isinstance(v, dict))
    observed = f"{unexpected:,} of {len(frame) if row_count is None else row_count:,} rows"
    if meta.get("show_values") and found:
        observed += "; found " + ", ".join(found[:SAMPLE_SIZE])
    if passed and unexpected == 0:
        return CheckResult(**base, status="passed", observed_value=observed, failing_rows=0, failing_sample=None,
                           message=f"{target.relation}: {meta.get('description', check_name)}")

    sample = _key_sample(frame, target.key, indices)
    words = meta.get("message", check_name).format(rows=_rows(unexpected), has="has" if unexpected == 1 else "have")
    details = []
    if meta.get("show_values") and found:
        details.append("found " + ", ".join(found[:SAMPLE_SIZE]))
    is_key_check = "_to_be_unique(" in check_name
    has_file_rows = all(c in frame.columns for c in _META_COLUMNS)
    if sample and (is_key_check or not has_file_rows):
        details.append(("keys " if len(sample) > 1 else "key ") + "; ".join(sample))
    if has_file_rows:
        details += _file_rows(frame, indices, unexpected)
    message = f"{target.relation}: {words}" + (f" ({'; '.join(details)})" if details else "")
    return CheckResult(**base, status="passed" if passed else "failed", observed_value=observed,
                       failing_rows=unexpected, failing_sample="; ".join(sample) or None, message=message)


def _exception_message(validation: Any) -> str | None:
    """GX puts an exception either at the top of exception_info or per metric underneath it."""
    info = validation.exception_info or {}
    candidates = [info] + [v for v in info.values() if isinstance(v, dict)]
    for item in candidates:
        if item.get("raised_exception"):
            message = str(item.get("exception_message") or "unknown error")
            return message.removeprefix("Error: ")
    return None


def _key_sample(frame: pd.DataFrame, key: Sequence[str], indices: list[Any]) -> list[str]:
    """Up to five distinct key values of failing rows (key columns only: never names or dates of birth)."""
    columns = [k for k in key if k in frame.columns]
    if not columns or not indices:
        return []
    rows = frame.loc[indices, columns]
    return _distinct(" | ".join(_text(v) for v in row) for row in rows.itertuples(index=False, name=None))[:SAMPLE_SIZE]


def _file_rows(frame: pd.DataFrame, indices: list[Any], unexpected: int) -> list[str]:
    """`file ssd_cin_episodes.csv, rows 12, 40, 77` for the first failing rows, grouped by file."""
    shown = frame.loc[indices[:SAMPLE_SIZE], list(_META_COLUMNS)]
    by_file: dict[str, list[str]] = {}
    for source_file, row_number in shown.itertuples(index=False, name=None):
        by_file.setdefault(_text(source_file), []).append(_text(row_number))
    parts = [f"file {name}, row{'s' if len(rows) > 1 else ''} {', '.join(rows)}" for name, rows in by_file.items()]
    if parts and unexpected > len(shown):
        parts[-1] += f" and {unexpected - len(shown):,} more"
    return parts


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, dict, tuple)) and pd.isna(value)):
        return "(blank)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _distinct(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _report(say: Progress, target: _Target, results: list[CheckResult]) -> None:
    _summarise(say, target.relation, results)


# --- DfE CIN census / SSDA903 validation rules (expectations/dfe_rules.py) ------------------------------

DFE_SUITE = "dfe_validation"


def _sql_result(*, suite: str, check_name: str, feed: str | None, table_name: str | None, severity: str,
                message: str, failing_rows: int, sample_keys: list[str], error: str | None, checked_at: datetime,
                missing: Sequence[str] = ()) -> CheckResult:
    """One stored result of a SQL check (a DfE rule or a cross-table check)."""
    base = dict(suite=suite, check_name=check_name, feed=feed, table_name=table_name, severity=severity,
                checked_at=checked_at)
    if error is not None:
        return CheckResult(**base, status="failed", observed_value="could not run", failing_rows=None,
                           failing_sample=None, message=f"{message} — could not run: {error}")
    if missing:
        return CheckResult(**base, status="passed", observed_value="not run", failing_rows=None, failing_sample=None,
                           message=f"{message} — not run: {', '.join(missing)} absent")
    n = failing_rows
    sample = ", ".join(sample_keys) or None
    return CheckResult(**base, status="failed" if n else "passed", observed_value=f"{n:,} records",
                       failing_rows=n, failing_sample=sample if n else None,
                       message=message if n == 0 else f"{message} — {n:,} records, e.g. {sample}")


def _summarise(say: Progress, what: str, results: list[CheckResult]) -> None:
    failed = [r for r in results if r.failed]
    blocking = sum(1 for r in failed if r.severity == "blocking")
    say(f"checked {what}: {len(results)} checks, {blocking} blocking failures, {len(failed) - blocking} warnings")


def _check_dfe_rules(con: Connection, say: Progress) -> list[CheckResult]:
    """One check result per DfE rule (suite `dfe_validation`, check `<source> <code>`)."""
    from expectations.dfe_rules import evaluate_rules

    checked_at = _now()
    results = [
        _sql_result(suite=DFE_SUITE, check_name=o.rule.check_name, feed="case_system",
                    table_name=(o.rule.tables[0] if o.rule.tables else None), severity=o.rule.severity,
                    message=o.rule.message, failing_rows=o.failing_rows, sample_keys=o.sample_keys, error=o.error,
                    checked_at=checked_at)
        for o in evaluate_rules(con)
    ]
    _summarise(say, "DfE validation rules", results)
    return results


def _check_cross_tables(con: Connection, say: Progress) -> list[CheckResult]:
    """Staging relationships, cross-feed reconciliation and period completeness (expectations/cross_checks.py)."""
    from expectations.cross_checks import evaluate

    checked_at = _now()
    results = [
        _sql_result(suite=o.check.suite, check_name=o.check.check_name, feed=o.check.feed,
                    table_name=o.check.table_name, severity=o.check.severity, message=o.check.message,
                    failing_rows=o.failing_rows, sample_keys=o.sample_keys, error=o.error, checked_at=checked_at,
                    missing=o.missing)
        for o in evaluate(con)
    ]
    for suite in dict.fromkeys(r.suite for r in results):
        _summarise(say, suite, [r for r in results if r.suite == suite])
    return results
