"""Everything the regional return reads from the warehouse, in one function.

Plain SQL that runs on DuckDB and Postgres: on Postgres `foundation.warehouse.connect` hands over a connection
with DuckDB's surface (its `?` markers included), so this function is the same on both engines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from foundation.warehouse import Connection
from foundation.state import CheckedState, WarehouseState, checked_state, read_state
from exports.errors import ExportRefused
from expectations.releases import Release, covering
from exports.authorities import result_authority, results_seen_by

REQUIRED_TABLES = (
    ("dq", "runs"),
    ("dq", "check_results"),
    ("marts", "dim_indicators"),
    ("marts", "dim_local_authorities"),
    ("marts", "fct_indicator_values"),
)


@dataclass(frozen=True)
class DqRun:
    run_id: str
    started_at: datetime
    as_of: date | None
    status: str
    checks_run: int
    blocking_failures: int
    warnings: int


@dataclass(frozen=True)
class CheckResult:
    suite: str
    check_name: str
    feed: str | None
    table_name: str | None
    severity: str
    status: str
    observed_value: str | None  # `shareable_observation` of dq's text: a count or a fixed word, never a feed value
    failing_rows: int | None


# What of a check's observation may leave the authority: the count it reports (`3 of 1,200 rows`, `12 records`,
# `1,200 rows`, a row count) or one of the checks' own words. dq keeps more for the performance team (a
# code-list check adds `; found <values>`); every other text is withheld, so no value from a feed is shared.
_SHAREABLE_OBSERVATION = re.compile(
    r"(?P<count>\d[\d,]* of \d[\d,]* rows|\d[\d,]* (?:rows|records)|\d[\d,]*|could not run|not run|table absent|built)"
    r"(?:;|$)|(?P<absent>absent):"
)


def shareable_observation(observed: str | None) -> str | None:
    """The leading count or fixed word of a dq observed value; None when it has none (it stays in dq)."""
    match = _SHAREABLE_OBSERVATION.match((observed or "").strip())
    return (match.group("count") or match.group("absent")) if match else None


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    title: str
    unit: str
    better: str | None
    definition: str
    catalogue_version: str | None


@dataclass(frozen=True)
class IndicatorValue:
    indicator_id: str
    period_label: str
    numerator: float | None
    denominator: float | None
    value: float | None


@dataclass(frozen=True)
class LocalAuthority:
    la_code: str
    la_name: str
    region: str


@dataclass(frozen=True)
class RegionalInputs:
    latest_run: DqRun | None
    check_results: list[CheckResult]
    indicators: list[Indicator]  # the regional return set, in return order
    authority: LocalAuthority | None
    values: list[IndicatorValue]  # quarterly values of this authority for the requested labels
    rows_in_period: int  # quarterly rows of any indicator for this authority and the first label
    checked: CheckedState | None  # the loads and build the latest dq run checked (None: no run)
    state: WarehouseState  # the loads and build in the warehouse now
    release: Release | None = None  # a named release of the quarter covering the latest run's blocking failures of
    # this authority's return (a release of it, or of every authority)


def read_regional_inputs(
    con: Connection, *, la_code: str, period_labels: Sequence[str]
) -> RegionalInputs:
    """Read the latest dq run, the warehouse state it checked and the state now, its checks, the return set,
    the authority and its quarterly values.

    `period_labels[0]` is the quarter of the return; the rest are the earlier quarters it shows.
    """
    existing = {
        (schema, table)
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('dq', 'marts')"
        ).fetchall()
    }
    missing = [f"{schema}.{table}" for schema, table in REQUIRED_TABLES if (schema, table) not in existing]
    if missing and set(missing) & {"dq.runs", "dq.check_results"}:
        raise ExportRefused("no data quality run recorded (dq.runs missing): run `csw check` first")
    if missing:
        raise ExportRefused(f"warehouse tables missing: {', '.join(missing)}: run `csw build` first")

    run_row = con.execute(
        "select run_id, started_at, as_of, status, checks_run, blocking_failures, warnings "
        "from dq.runs order by started_at desc, run_id desc limit 1"
    ).fetchone()
    latest_run = DqRun(*run_row) if run_row else None
    check_rows: list[tuple[Any, ...]] = []
    if latest_run is not None:
        check_rows = results_seen_by(con.execute(
            "select suite, check_name, feed, table_name, severity, status, observed_value, failing_rows, "
            f"{result_authority(con)} "
            "from dq.check_results where run_id = $1 "
            "order by suite, check_name, feed, table_name, severity, status, observed_value",
            [latest_run.run_id],
        ).fetchall(), la_code, check=4)

    indicator_rows = con.execute(
        "select indicator_id, title, unit, better, definition, catalogue_version from marts.dim_indicators "
        "where in_regional_return order by regional_return_order, indicator_id"
    ).fetchall()
    authority_row = con.execute(
        "select la_code, la_name, region from marts.dim_local_authorities where la_code = $1", [la_code]
    ).fetchone()
    markers = ", ".join(f"${n}" for n in range(2, len(period_labels) + 2))  # $1 is la_code
    value_rows = con.execute(
        "select indicator_id, period_label, numerator, denominator, value from marts.fct_indicator_values "
        f"where la_code = $1 and period_type = 'quarter' and period_label in ({markers}) "
        "order by indicator_id, period_label",
        [la_code, *period_labels],
    ).fetchall()
    rows_in_period = con.execute(
        "select count(*) from marts.fct_indicator_values "
        "where la_code = $1 and period_type = 'quarter' and period_label = $2",
        [la_code, period_labels[0]],
    ).fetchone()[0]

    return RegionalInputs(
        latest_run=latest_run,
        check_results=[
            CheckResult(*head, shareable_observation(observed), failing) for *head, observed, failing in check_rows
        ],
        indicators=[Indicator(*row) for row in indicator_rows],
        authority=LocalAuthority(*authority_row) if authority_row else None,
        values=[IndicatorValue(*row) for row in value_rows],
        rows_in_period=int(rows_in_period),
        checked=checked_state(con, latest_run.run_id, latest_run.started_at) if latest_run else None,
        state=read_state(con),
        release=covering(con, period_labels[0], latest_run.run_id, la_code) if latest_run else None,
    )
