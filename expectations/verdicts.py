"""From a check's outcome to the row the performance team reads (`dq.check_results`): one `CheckResult` per
check, with its status, severity, observed value, a small sample of failing keys and a one-line message.

Every result of a run is made here, so a result's severity is decided in ONE place: `severity_of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from expectations.results import CheckResult

SAMPLE_SIZE = 5
META_COLUMNS = ("_source_file", "_row_number")  # where a raw row came from: quoted in messages as file and row
AUTHORITY_COLUMN = "_la_code"  # the authority that sent a raw row (a hub's warehouse; docs/regional-hub.md)
AUTHORITY_COLUMNS = (AUTHORITY_COLUMN, "la_code")  # raw, then staging and marts: named in a failure's message
BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Target:
    """The table being checked: how results name it and how failing rows are described."""

    suite: str
    feed: str | None
    table_name: str
    relation: str  # schema-qualified, for messages
    key: tuple[str, ...]


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def severity_of(suite: str, check_name: str, declared: str) -> str:
    """Blocking or warning: the severity a check's result is stored with, and so whether its failure stops
    the exports. Today it is the severity the check declares (the suite's expectation meta, the
    `SqlCheck` or the `DfeRule`); a severity policy decides here, and only here."""
    del suite, check_name  # the key a policy looks a check up by
    return declared


def make_result(*, suite: str, check_name: str, feed: str | None, table_name: str | None, severity: str,
                status: str, observed_value: str | None, failing_rows: int | None, failing_sample: str | None,
                message: str, checked_at: datetime, la_code: str | None = None) -> CheckResult:
    """Every `CheckResult` of a run, its severity through `severity_of`."""
    return CheckResult(suite=suite, check_name=check_name, feed=feed, table_name=table_name,
                       severity=severity_of(suite, check_name, severity), status=status,
                       observed_value=observed_value, failing_rows=failing_rows, failing_sample=failing_sample,
                       message=message, checked_at=checked_at, la_code=la_code)


def table_check(target: Target, check_name: str, severity: str, checked_at: datetime, *, passed: bool,
                observed: str | None, message: str, failing_rows: int | None = None) -> CheckResult:
    """A check about the table itself (loaded, built, could run): no failing rows to sample."""
    return make_result(suite=target.suite, check_name=check_name, feed=target.feed, table_name=target.table_name,
                       severity=severity, status="passed" if passed else "failed", observed_value=observed,
                       failing_rows=failing_rows, failing_sample=None, message=message, checked_at=checked_at)


def could_not_run(target: Target, checked_at: datetime, exc: Exception) -> CheckResult:
    """GX itself failed on a table's suite: one blocking result says so (the run goes on)."""
    return table_check(target, "suite_could_run", BLOCKING, checked_at, passed=False, observed="could not run",
                       message=f"{target.relation}: the checks could not run: {type(exc).__name__}: {exc}")


# --- Great Expectations validation results -----------------------------------------------------------


def from_expectation(
    validation: Any, target: Target, frame: pd.DataFrame, checked_at: datetime, row_count: int | None = None,
    la_code: str | None = None,
) -> CheckResult:
    """One GX expectation's result (on the rows of authority `la_code`, when given). `frame` holds the failing
    rows GX points at by index (the whole table on the pandas route, the failing rows' keys on the Postgres one)."""
    meta = dict(validation.expectation_config.meta or {})
    check_name = meta.get("check_name") or validation.expectation_config.type
    base = dict(suite=target.suite, check_name=check_name, feed=target.feed, table_name=target.table_name,
                severity=meta.get("severity", BLOCKING), checked_at=checked_at, la_code=la_code)
    error = _exception_message(validation)
    if error is not None:
        return make_result(**base, status="failed", observed_value="could not run", failing_rows=None,
                           failing_sample=None, message=f"{target.relation}: {check_name} could not run: {error}")
    result = dict(validation.result or {})
    passed = bool(validation.success)
    if "unexpected_count" not in result:  # table-level checks: column exists, row count
        observed = result.get("observed_value")
        return make_result(
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
        return make_result(**base, status="passed", observed_value=observed, failing_rows=0, failing_sample=None,
                           message=f"{target.relation}: {meta.get('description', check_name)}")

    sample = _key_sample(frame, target.key, indices)
    words = meta.get("message", check_name).format(rows=_rows(unexpected), has="has" if unexpected == 1 else "have")
    details = _authorities(frame, target.key, indices)
    if meta.get("show_values") and found:
        details.append("found " + ", ".join(found[:SAMPLE_SIZE]))
    is_key_check = "_to_be_unique(" in check_name
    has_file_rows = all(c in frame.columns for c in META_COLUMNS)
    if sample and (is_key_check or not has_file_rows):
        details.append(("keys " if len(sample) > 1 else "key ") + "; ".join(sample))
    if has_file_rows:
        details += _file_rows(frame, indices, unexpected)
    message = f"{target.relation}: {words}" + (f" ({'; '.join(details)})" if details else "")
    return make_result(**base, status="passed" if passed else "failed", observed_value=observed,
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


def _authorities(frame: pd.DataFrame, key: Sequence[str], indices: list[Any]) -> list[str]:
    """`authority 840` (`authorities 840, 841`) of the failing rows shown, when the rows carry one that their key
    does not already quote (a mart's key has `la_code`)."""
    column = next((c for c in AUTHORITY_COLUMNS if c in frame.columns), None)
    if column is None or column in key or not indices:
        return []
    codes = sorted(_distinct(_text(v) for v in frame.loc[indices, column]))
    return [f"authorit{'ies' if len(codes) > 1 else 'y'} {', '.join(codes)}"]


def _file_rows(frame: pd.DataFrame, indices: list[Any], unexpected: int) -> list[str]:
    """`file ssd_cin_episodes.csv, rows 12, 40, 77` for the first failing rows, grouped by file."""
    shown = frame.loc[indices[:SAMPLE_SIZE], list(META_COLUMNS)]
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


# --- SQL checks (cross-table checks, DfE rules) ---------------------------------------------------------


def from_sql_check(*, suite: str, check_name: str, feed: str | None, table_name: str | None, severity: str,
                   message: str, failing_rows: int, sample_keys: list[str], error: str | None, checked_at: datetime,
                   missing: Sequence[str] = (), la_code: str | None = None) -> CheckResult:
    """One SQL check's result (on authority `la_code`'s rows, when given): failed with the error if its SQL
    failed, passed and "not run" if its tables are absent, else failed when it returned rows."""
    base = dict(suite=suite, check_name=check_name, feed=feed, table_name=table_name, severity=severity,
                checked_at=checked_at, la_code=la_code)
    if error is not None:
        return make_result(**base, status="failed", observed_value="could not run", failing_rows=None,
                           failing_sample=None, message=f"{message} — could not run: {error}")
    if missing:
        return make_result(**base, status="passed", observed_value="not run", failing_rows=None, failing_sample=None,
                           message=f"{message} — not run: {', '.join(missing)} absent")
    n = failing_rows
    sample = ", ".join(sample_keys) or None
    return make_result(**base, status="failed" if n else "passed", observed_value=f"{n:,} records",
                       failing_rows=n, failing_sample=sample if n else None,
                       message=message if n == 0 else f"{message} — {n:,} records, e.g. {sample}")
