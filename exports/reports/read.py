"""Everything the pages read from the warehouse, in one place: the scorecard mart's rows of a quarter, the
monthly and quarterly history behind the charts, the breakdowns, and the data-quality history (dq.*).

Plain SQL with `$n` parameters, the same on DuckDB and Postgres."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from exports.errors import ExportRefused
from foundation.periods import Quarter, parse_quarter
from exports.authorities import result_authority, results_seen_by
from foundation.warehouse import Connection, table_exists

HISTORY_MONTHS = 24  # the sparkline
TREND_QUARTERS = 12  # the trend chart of an indicator's page
DQ_RUNS = 10  # the runs a failing check's trend spans

_SCORECARD_COLUMNS = (
    "indicator_id", "title", "domain", "unit", "better", "in_regional_return", "regional_return_order", "value",
    "numerator", "denominator", "last_year_period_label", "last_year_value", "change_since_last_year",
    "change_direction", "rag_compare_with", "target", "amber_band", "rag_reference_value", "rag_status", "rag_word",
    "rag_rule", "regional_mean", "our_rank", "our_quartile", "authorities_reporting", "statistical_neighbours_mean",
    "england_value", "is_small_number", "small_numbers_threshold", "commentary", "commentary_by", "commentary_at",
)


@dataclass
class Point:
    label: str
    end: date
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass
class Indicator:
    """One scorecard row of the quarter with the history and breakdowns its page draws."""
    row: dict[str, Any]
    definition: str
    statutory_reference: str
    months: list[Point] = field(default_factory=list)
    quarters: list[Point] = field(default_factory=list)
    quarter_benchmarks: dict[str, dict[str, float | None]] = field(default_factory=dict)
    breakdowns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["row"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class DqCheck:
    suite: str
    check_name: str
    severity: str
    message: str | None
    observed_value: str | None
    acknowledged_by: str | None
    trend: list[tuple[str, str]]  # (run started, status) over the last runs, oldest first


@dataclass
class DqPicture:
    run_id: str | None
    started_at: datetime | None
    status: str | None
    checks_run: int
    blocking_failures: int
    warnings: int
    checks: list[DqCheck]
    acknowledgements: list[tuple]
    runs: list[tuple]  # (run_id, started_at, status, blocking_failures, warnings), newest first


@dataclass
class ScorecardData:
    quarter: Quarter
    la_code: str
    la_name: str
    indicators: list[Indicator]
    dq: DqPicture


def _rows(con: Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def read(con: Connection, period: str, la_code: str | None = None) -> ScorecardData:
    """The scorecard of one financial quarter of one authority (`la_code`; None: the one the scorecard holds, as
    a one-authority warehouse); refused with the reason when the warehouse lacks it."""
    quarter = parse_quarter(period)
    if not table_exists(con, "marts", "rpt_scorecard"):
        raise ExportRefused("the warehouse has no marts.rpt_scorecard: run `csw build` first")
    rows = _rows(con, f"select s.{', s.'.join(_SCORECARD_COLUMNS)}, s.la_code, d.definition, d.statutory_reference "
                      "from marts.rpt_scorecard s join marts.dim_indicators d on s.indicator_id = d.indicator_id "
                      "where s.period_label = $1 and (s.la_code = $2 or cast($2 as varchar) is null) order by s.domain, s.indicator_id",
                 [quarter.label, la_code])
    if not rows:
        of = f" of authority {la_code}" if la_code else ""
        raise ExportRefused(f"marts.rpt_scorecard has no rows{of} for {quarter.label}: is the quarter complete and built?")
    la_code = rows[0]["la_code"]
    indicators = {r["indicator_id"]: Indicator({k: r[k] for k in _SCORECARD_COLUMNS}, r["definition"] or "",
                                               r["statutory_reference"] or "") for r in rows}
    first_month = date(quarter.end.year - HISTORY_MONTHS // 12, quarter.end.month, 1)
    for r in _rows(con, "select indicator_id, period_type, period_label, period_start, period_end, value, numerator, "
                        "denominator from marts.fct_indicator_values where la_code = $1 and period_end <= $2 and "
                        "((period_type = 'month' and period_start > $3) or (period_type = 'quarter')) "
                        "order by period_end", [la_code, quarter.end, first_month]):
        ind = indicators.get(r["indicator_id"])
        if ind is None:
            continue
        point = Point(r["period_label"], r["period_end"], r["value"], r["numerator"], r["denominator"])
        (ind.months if r["period_type"] == "month" else ind.quarters).append(point)
    for ind in indicators.values():
        ind.quarters = ind.quarters[-TREND_QUARTERS:]
    if table_exists(con, "marts", "fct_benchmarks"):
        for r in _rows(con, "select indicator_id, period_label, regional_mean, statistical_neighbours_mean, "
                            "england_value from marts.fct_benchmarks where la_code = $1", [la_code]):  # ours only
            ind = indicators.get(r["indicator_id"])
            if ind is not None:
                ind.quarter_benchmarks[r["period_label"]] = r
    for r in _rows(con, "select indicator_id, dimension, dimension_value, value, numerator, denominator "
                        "from marts.fct_indicator_breakdowns where la_code = $1 and period_type = 'quarter' and "
                        "period_label = $2 order by dimension, dimension_value", [la_code, quarter.label]):
        ind = indicators.get(r["indicator_id"])
        if ind is not None:
            ind.breakdowns.setdefault(r["dimension"], []).append(r)
    name = con.execute("select max(la_name) from marts.dim_local_authorities where la_code = $1", [la_code]).fetchall()
    return ScorecardData(quarter, la_code, (name[0][0] if name else None) or f"Local authority {la_code}",
                         list(indicators.values()), read_dq(con, la_code))


def read_dq(con: Connection, la_code: str) -> DqPicture:
    """The newest check run, its failing and warned checks with their status over the last runs, and the
    acknowledgements in the warehouse: as authority `la_code` sees them (its own results, and those of no one
    authority: a hub's other authorities' failures, which quote their keys, are not on its page)."""
    if not table_exists(con, "dq", "runs"):
        return DqPicture(None, None, None, 0, 0, 0, [], [], [])
    runs = con.execute("select run_id, started_at, status, blocking_failures, warnings from dq.runs "
                       f"order by started_at desc limit {DQ_RUNS}").fetchall()
    if not runs:
        return DqPicture(None, None, None, 0, 0, 0, [], [], [])
    latest = con.execute("select run_id, started_at, status, checks_run, blocking_failures, warnings from dq.runs "
                         "where run_id = $1", [runs[0][0]]).fetchall()[0]
    authority = result_authority(con)
    names = ("suite", "check_name", "severity", "message", "observed_value", "acknowledged_by")
    seen = results_seen_by(con.execute(
        f"select suite, check_name, severity, message, observed_value, acknowledged_by, status, {authority} "
        "from dq.check_results where run_id = $1 order by severity, suite, check_name", [latest[0]]).fetchall(),
        la_code, check=2)
    failing = [dict(zip(names, row[:-1])) for row in seen if row[-1] != "passed"]
    history: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    run_ids = [r[0] for r in runs]
    placeholders = ", ".join(f"${i + 1}" for i in range(len(run_ids)))
    for suite, check, run_id, status in results_seen_by(con.execute(
            f"select suite, check_name, run_id, status, {authority} from dq.check_results "
            f"where run_id in ({placeholders})", run_ids).fetchall(), la_code, check=3):
        history[(suite, check)][run_id] = status
    started = {r[0]: f"{r[1]:%Y-%m-%d %H:%M}" for r in runs}
    checks = [DqCheck(f["suite"], f["check_name"], f["severity"], f["message"], f["observed_value"],
                      f["acknowledged_by"],
                      [(started[r], history[(f["suite"], f["check_name"])].get(r, "not run")) for r in reversed(run_ids)])
              for f in failing]
    acks = con.execute("select suite, check_name, acknowledged_by, reason, acknowledged_at, expires_on "
                       "from dq.acknowledgements order by acknowledged_at desc").fetchall() \
        if table_exists(con, "dq", "acknowledgements") else []
    return DqPicture(latest[0], latest[1], latest[2], latest[3] or 0, latest[4] or 0, latest[5] or 0, checks, acks,
                     runs)
