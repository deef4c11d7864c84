"""The Great Expectations suites run on their tables: each raw table's current rows (what staging reads,
`expectations.current_rows`) and the indicator marts. One validation per table, through pandas on DuckDB
(`gx_pandas`) or as SQL in the server on Postgres (`gx_postgres`)."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from expectations import verdicts
from expectations.current_rows import current_rows_sql
from expectations.gx_pandas import as_nanoseconds, decimals_as_numbers, frame_of
from expectations.results import CheckResult
from expectations.verdicts import AUTHORITY_COLUMN, AUTHORITY_COLUMNS, BLOCKING, META_COLUMNS, WARNING, Target
from ingest.contracts import FEEDS
from foundation.warehouse import Connection
from ingest.core.contract import TableContract

# SUMMARY returns the unexpected count plus the first N failing row indices and values: enough for
# a sample without materialising every failing row of a large table. A suite that passes is validated with
# BASIC alone (expectations/gx_runs.py): nothing it passes on needs the indices.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 20}


def validator_for(con: Connection, run_name: str, run_time: datetime) -> Any:
    """pandas on DuckDB; GX's Postgres datasource on Postgres."""
    from foundation.warehouse import is_postgres

    if is_postgres(con):
        from expectations.gx_postgres import PostgresValidator

        return PostgresValidator(con, RESULT_FORMAT, run_name=run_name, run_time=run_time)
    from expectations.gx_pandas import PandasValidator

    return PandasValidator(RESULT_FORMAT, run_name=run_name, run_time=run_time)


def reads_sql(validator: Any) -> bool:
    return hasattr(validator, "validate_query")


def _validate(
    validator: Any, suite: Any, target: Target, frame: pd.DataFrame | None, checked_at: datetime,
    *, query: str | None = None, index_columns: Sequence[str] = (), row_count: int | None = None,
    authority: str | None = None, con: Connection | None = None,
) -> list[CheckResult]:
    """One validation of the whole suite — of `frame` (pandas), or of `query` in the warehouse (Postgres) —
    and if GX itself fails, one blocking result says so (the run goes on). With `authority` (the column naming
    each row's authority) a failure about rows is given its authority (`_by_authority`)."""
    try:
        if query is not None:
            pairs = validator.validate_query(suite, query, index_columns)
        else:
            pairs = [(v, frame) for v in validator.validate(suite, frame)]
    except Exception as exc:  # noqa: BLE001 - recorded as a blocking failure, never swallowed
        return [verdicts.could_not_run(target, checked_at, exc)]
    rows = row_count if row_count is not None else len(frame)
    results = [verdicts.from_expectation(v, target, sample, checked_at, rows) for v, sample in pairs]
    if authority is None or not any(r.failed and r.failing_rows for r in results):
        return results
    return _by_authority(validator, suite, target, frame, checked_at, results, authority,
                         query=query, index_columns=index_columns, con=con)


def _by_authority(
    validator: Any, suite: Any, target: Target, frame: pd.DataFrame | None, checked_at: datetime,
    results: list[CheckResult], authority: str, *, query: str | None, index_columns: Sequence[str],
    con: Connection | None,
) -> list[CheckResult]:
    """The failures about rows, each its authority's (docs/regional-hub.md: a gate per authority). Rows of one
    authority: the failure is that authority's. Rows of several: the failed expectations run again on each
    authority's rows, and each failed result becomes one result per authority (passed or failed, its own count
    and sample), so a failure in 840's rows holds back 840's return only. A failure not about rows (a missing
    column, GX could not run) stays every authority's."""
    if query is not None:
        assert con is not None  # the Postgres route reads the authorities and each one's row count in the server
        codes = [r[0] for r in con.execute(
            f'select distinct "{authority}" from ({query}) as checked where "{authority}" is not null '
            f'order by "{authority}"').fetchall()]
    else:
        codes = sorted(str(c) for c in frame[authority].dropna().unique())
    if not codes:
        return results
    split = {id(r) for r in results if r.failed and r.failing_rows}
    if len(codes) == 1:
        return [replace(r, la_code=codes[0]) if id(r) in split else r for r in results]
    names = {r.check_name for r in results if id(r) in split}
    again = type(suite)(name=f"{suite.name}_by_authority", expectations=[
        e.copy(update={"id": None}) for e in suite.expectations if (e.meta or {}).get("check_name") in names])
    per_code: dict[str, list[CheckResult]] = {}
    for code in codes:
        if query is not None:
            literal = code.replace("'", "''")
            one = f"select * from ({query}) as checked where \"{authority}\" = '{literal}'"
            rows = con.execute(f"select count(*) from ({one}) as one_authority").fetchone()[0]
            pairs = validator.validate_query(again, one, index_columns)
        else:
            part = frame[frame[authority] == code]
            rows = len(part)
            pairs = [(v, part) for v in validator.validate(again, part)]
        per_code[code] = [verdicts.from_expectation(v, target, sample, checked_at, rows, la_code=code)
                          for v, sample in pairs]
    out: list[CheckResult] = []
    for result in results:
        if id(result) not in split:
            out.append(result)
            continue
        out += [r for code in codes for r in per_code[code] if r.check_name == result.check_name]
    return out


def table_columns(con: Connection, schema: str, table: str) -> list[str] | None:
    """Column names of schema.table in the current database, or None if the table does not exist."""
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = $1 and table_name = $2 order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows] or None


def schema_columns(con: Connection, schema: str) -> dict[str, list[str]]:
    """`table_columns` of every table of `schema`, in one query (a run reads every raw table's)."""
    tables: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = $1 order by table_name, ordinal_position",
        [schema],
    ).fetchall():
        tables.setdefault(table, []).append(column)
    return tables


# --- raw tables --------------------------------------------------------------------------------------


def raw_target(contract: TableContract) -> Target:
    from expectations import suites

    return Target(suite=suites.suite_name("raw", contract.raw_table), feed=contract.feed,
                  table_name=contract.raw_table, relation=f"raw.{contract.raw_table}", key=contract.key)


@dataclass(frozen=True)
class TableRows:
    """What a raw table's suite runs on: its checks, the table's columns (None: no such table) and its current rows,
    as a DataFrame (pandas, DuckDB) or as a query and its row count (Postgres)."""

    contract: TableContract
    checks: list
    columns: list[str] | None
    frame: pd.DataFrame | None = None
    query: str | None = None
    rows: int | None = None


def table_rows(con: Connection, contract: TableContract, as_of: date, *, sql: bool,
               raw_columns: dict[str, list[str]] | None = None) -> TableRows:
    """The checks and current rows of one raw table (`sql`: the validator runs the suite as SQL in the server, so
    only the query and its count). `raw_columns`: the raw schema's `schema_columns`, when the caller has read
    them."""
    from expectations import suites

    checks = suites.raw_checks(contract, as_of)
    columns = (table_columns(con, "raw", contract.raw_table) if raw_columns is None
               else raw_columns.get(contract.raw_table))
    if columns is None:
        return TableRows(contract, checks, None)
    if sql:
        query = _current_rows_query(contract, columns)
        rows = con.execute(f"select count(*) from ({query}) as current_rows").fetchone()[0]
        return TableRows(contract, checks, columns, query=query, rows=rows)
    frame = _read_current_rows(con, contract, columns, suites.columns_read(checks))
    return TableRows(contract, checks, columns, frame=frame, rows=len(frame))


class RowsAhead:
    """The raw tables' `table_rows`, read on a DuckDB cursor of their own by one thread, up to `ahead` tables ahead
    of the validation that takes them (`take`, in the order given). DuckDB lets go of Python's lock while it reads,
    and GX's validation is Python: a region's reads (2.8 s) overlap its validations (5.9 s) rather than follow
    them. Besides the table being validated, at most `ahead` tables' rows are held (one by default: the largest
    national tables are hundreds of MB as frames)."""

    def __init__(self, con: Connection, contracts: Iterable[TableContract], as_of: date,
                 raw_columns: dict[str, list[str]], ahead: int = 1) -> None:
        self._cursor = con.cursor()
        self._todo = iter(contracts)
        self._as_of, self._raw_columns = as_of, raw_columns
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csw-check-rows")
        self._waiting: deque[tuple[TableContract, Future[TableRows]]] = deque()
        for _ in range(ahead):
            self._read_next()

    def _read_next(self) -> None:
        contract = next(self._todo, None)
        if contract is not None:
            self._waiting.append((contract, self._pool.submit(
                table_rows, self._cursor, contract, self._as_of, sql=False, raw_columns=self._raw_columns)))

    def take(self, contract: TableContract) -> TableRows:
        """The next table's rows (an error the read raised, raised here); `contract` must be that table's."""
        expected, rows = self._waiting.popleft()
        if expected is not contract:
            raise ValueError(f"rows of raw.{expected.raw_table} read ahead, raw.{contract.raw_table} taken")
        self._read_next()
        return rows.result()

    def close(self) -> None:
        for _, rows in self._waiting:
            rows.cancel()
        self._pool.shutdown(wait=True)
        self._cursor.close()

    def __enter__(self) -> RowsAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def check_raw_table(con: Connection, validator: Any, contract: TableContract, as_of: date,
                    raw_columns: dict[str, list[str]] | None = None, read: TableRows | None = None
                    ) -> list[CheckResult]:
    """The raw suite of one table on its current rows, after `table_is_loaded` (a warning when it has none).
    `raw_columns`: the raw schema's `schema_columns`, when the caller has read them; `read`: the table's
    `table_rows`, when the caller has read them (`RowsAhead`)."""
    from expectations import suites

    target = raw_target(contract)
    checked_at = verdicts.now()
    read = read or table_rows(con, contract, as_of, sql=reads_sql(validator), raw_columns=raw_columns)
    checks, columns, frame, query, rows = read.checks, read.columns, read.frame, read.query, read.rows
    if not rows and FEEDS[contract.feed].optional:  # a statutory source this authority does not send
        return [verdicts.table_check(
            target, "table_is_loaded", WARNING, checked_at, passed=True,
            observed="table absent" if rows is None else "0 rows",
            message=f"{target.relation}: no {contract.table} file loaded (an optional statutory source)",
            failing_rows=0)]
    if not rows:
        why = "the table does not exist" if rows is None else "no rows"
        return [verdicts.table_check(
            target, "table_is_loaded", WARNING, checked_at, passed=False,
            observed="table absent" if rows is None else "0 rows",
            message=f"{target.relation}: table not loaded ({why}): no {contract.table} file has been "
                    "loaded, so its checks did not run")]
    loaded = verdicts.table_check(target, "table_is_loaded", WARNING, checked_at, passed=True,
                                  observed=f"{rows:,} rows", message=f"{target.relation}: {rows:,} current rows",
                                  failing_rows=0)
    index_columns = [c for c in (*contract.key, *META_COLUMNS, AUTHORITY_COLUMN) if c in columns]
    suite = suites.build(target.suite, checks)
    # a table of rows about authorities (reference data, published benchmarks: a `la_code` of their own) feeds
    # every authority's figures, whoever sent it: its failures hold back every return
    about_authorities = any(c.name == "la_code" for c in contract.columns)
    return [loaded] + _validate(validator, suite, target, frame, checked_at, query=query, index_columns=index_columns,
                                row_count=rows, authority=None if about_authorities else AUTHORITY_COLUMN, con=con)


def _current_relation(contract: TableContract, columns: Sequence[str]) -> str:
    """The current rows (staging's own `current_rows`); a table without batches (not loaded by us) whole."""
    if "_batch_id" not in columns:
        return f"raw.{contract.raw_table} as current_rows"
    return current_rows_sql(contract.raw_table)


def _wanted(contract: TableContract, columns: Sequence[str]) -> list[str]:
    return [c.name for c in contract.columns if c.name in columns] + [c for c in (*META_COLUMNS, AUTHORITY_COLUMN)
                                                                       if c in columns]


def _current_rows_query(contract: TableContract, columns: list[str]) -> str:
    """The contract's columns of the current rows, as one SELECT (GX's query asset), absent optional columns null."""
    select = [f'"{c}"' for c in _wanted(contract, columns)]
    select += [f'cast(null as {c.sql_type}) as "{c.name}"' for c in contract.columns
               if c.name not in columns and not c.required]  # docs/specs/FEEDS.md: an absent optional column is nulls
    return f"select {', '.join(select)} from {_current_relation(contract, columns)}"


def _read_current_rows(
    con: Connection, contract: TableContract, columns: list[str], reads: Collection[str] | None = None,
) -> pd.DataFrame:
    """The contract's columns of the current rows plus the file and row, in authority and file order (so the example
    rows quoted in messages are the first failing rows of the file). Given `reads` (the columns the suite's checks
    read the values of), only those, the key and the columns a failure's message quotes are read; the table's
    other columns are in the frame as nulls, so a check that a column exists sees the table as it is."""
    wanted = _wanted(contract, columns)
    quoted = (*contract.key, *META_COLUMNS, *AUTHORITY_COLUMNS)
    read = wanted if reads is None else [c for c in wanted if c in reads or c in quoted]
    # a hub's authorities send files of the same names: the authority first, so the order (and the rows quoted) is one
    by = [c for c in (AUTHORITY_COLUMN, *META_COLUMNS) if c in columns]
    order = f" order by {', '.join(by)}" if all(c in columns for c in META_COLUMNS) else ""
    select = ", ".join(f'"{c}"' for c in read)
    frame = frame_of(con, f"select {select} from {_current_relation(contract, columns)}{order}")
    if len(read) < len(wanted):
        frame = frame.reindex(columns=wanted)  # the columns no check reads: nulls, in the table's order
    for column in contract.columns:
        if column.name not in frame.columns:
            if column.required:
                continue  # left absent: expect_column_to_exist reports it
            # docs/specs/FEEDS.md: an absent optional column becomes nulls
            frame[column.name] = pd.Series(
                pd.NaT if column.type == "date" else None, index=frame.index,
                dtype="datetime64[ns]" if column.type == "date" else object,
            )
        elif column.type == "date" and column.name in read:
            frame[column.name] = as_nanoseconds(frame[column.name])
    return frame


# --- marts -------------------------------------------------------------------------------------------


def _mart_target(table: str, key: tuple[str, ...]) -> Target:
    from expectations import suites

    return Target(suite=suites.suite_name("marts", table), feed=None, table_name=table, relation=f"marts.{table}",
                  key=key)


def check_indicator_values(con: Connection, validator: Any) -> list[CheckResult]:
    """The indicator values' suite, after `marts_are_built` (blocking: it and the catalogue must exist)."""
    from expectations import suites

    target = _mart_target(suites.MART_TABLE, suites.MART_KEY)
    checked_at = verdicts.now()
    fact_columns = table_columns(con, "marts", suites.MART_TABLE)
    dim_columns = table_columns(con, "marts", "dim_indicators")
    if fact_columns is None or dim_columns is None:
        absent = [name for name, cols in ((f"marts.{suites.MART_TABLE}", fact_columns),
                                          ("marts.dim_indicators", dim_columns)) if cols is None]
        return [verdicts.table_check(
            target, "marts_are_built", BLOCKING, checked_at, passed=False, observed="absent: " + ", ".join(absent),
            message=f"marts not built: {' and '.join(absent)} {'does' if len(absent) == 1 else 'do'} not exist "
                    "(run `csw build` before `csw check`)")]
    rows = con.execute(f"select count(*) from marts.{suites.MART_TABLE}").fetchone()[0]
    built = verdicts.table_check(target, "marts_are_built", BLOCKING, checked_at, passed=True,
                                 observed=f"{rows:,} rows", failing_rows=0,
                                 message=f"{target.relation} and marts.dim_indicators exist")
    return [built] + _validate_with_units(con, validator, suites.mart_suite(), target, ["*"], fact_columns,
                                          dim_columns, checked_at, rows)


def check_breakdowns(con: Connection, validator: Any) -> list[CheckResult]:
    """The breakdowns' suite, after `table_is_built` (a warning: not every build makes them)."""
    from expectations import suites

    target = _mart_target(suites.BREAKDOWN_TABLE, suites.BREAKDOWN_KEY)
    checked_at = verdicts.now()
    columns = table_columns(con, "marts", target.table_name)
    built = verdicts.table_check(
        target, "table_is_built", WARNING, checked_at, passed=bool(columns),
        observed="built" if columns else "table absent", failing_rows=0 if columns else None,
        message=f"{target.relation} exists" if columns else f"{target.relation} is not built (run `csw build`)")
    if columns is None:
        return [built]
    rows = con.execute(f"select count(*) from {target.relation}").fetchone()[0]
    wanted = [c for c in (*target.key, "value") if c in columns]
    return [built] + _validate_with_units(con, validator, suites.breakdown_suite(), target, wanted, columns,
                                          table_columns(con, "marts", "dim_indicators"), checked_at, rows)


def _validate_with_units(
    con: Connection, validator: Any, suite: Any, target: Target, wanted: list[str], columns: list[str],
    dim_columns: list[str] | None, checked_at: datetime, rows: int,
) -> list[CheckResult]:
    """Validate a mart's `wanted` columns with its indicator's unit (`marts.dim_indicators.unit`) joined on as
    `indicator_unit`; one unit per indicator, so a duplicated catalogue row cannot duplicate mart rows."""
    from expectations import suites

    select = ", ".join("f.*" if c == "*" else f'f."{c}"' for c in wanted)
    if "indicator_id" in columns and dim_columns is not None and "unit" in dim_columns:
        query = (f"select {select}, units.unit as {suites.UNIT_COLUMN} from {target.relation} as f left join "
                 "(select indicator_id, max(unit) as unit from marts.dim_indicators group by indicator_id) as units "
                 "on units.indicator_id = f.indicator_id")  # GX's query asset must start with SELECT
    else:
        query = f"select {select}, cast(null as varchar) as {suites.UNIT_COLUMN} from {target.relation} as f"
    index_columns = [k for k in target.key if k in columns]
    authority = "la_code" if "la_code" in columns else None  # a failing value is its authority's
    if reads_sql(validator):  # Postgres: the suite runs as SQL
        return _validate(validator, suite, target, None, checked_at, query=query, index_columns=index_columns,
                         row_count=rows, authority=authority, con=con)
    order = " order by " + ", ".join(f'"{k}"' for k in target.key) if set(target.key) <= set(columns) else ""
    frame = decimals_as_numbers(con.execute(f"select * from ({query}) as mart{order}").df())
    frame[suites.UNIT_COLUMN] = frame[suites.UNIT_COLUMN].astype(object)
    return _validate(validator, suite, target, frame, checked_at, authority=authority)
