"""The scheduled regional return as plain functions (the `export__regional_return` DAG's tasks call these):
are the marts ready for the quarter, run the data-quality gate, write the outbox, deliver — and alert the
performance team when the gate or the export refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from foundation.settings import Settings
from exports.errors import ExportRefused
from foundation.periods import parse_quarter
from exports.regional.write import ReturnFiles

Progress = Callable[[str], None]


class ReturnBlocked(RuntimeError):
    """The data-quality gate or the export refused the quarter: nothing was written, the team was alerted."""


def marts_missing_reason(settings: Settings, period: str) -> str | None:
    """None when `marts.fct_indicator_values` holds quarterly values of our authority for `period` (the
    transform has run with an as-of on or after the quarter's end); otherwise why not yet."""
    from foundation.warehouse import connect, first_row, table_exists

    quarter = parse_quarter(period)
    if settings.target == "duckdb" and not settings.warehouse.exists():  # never create an empty file by asking
        return f"warehouse {settings.warehouse} not built yet"
    try:  # read-write, as dbt's in-process connection: a DAG test runs the build in this process (DuckDB refuses a mix)
        con = connect(settings)
    except Exception as exc:  # missing file, or a writer holds the DuckDB file
        return f"warehouse not readable yet ({exc})"
    try:
        if not table_exists(con, "marts", "fct_indicator_values"):
            return "marts.fct_indicator_values not built yet"
        row = first_row(
            con,
            "select count(*) from marts.fct_indicator_values "
            "where la_code = $1 and period_type = 'quarter' and period_label = $2",
            [settings.la_code, quarter.label],
        )
    finally:
        con.close()
    if not row or not row[0]:
        return f"marts hold no {quarter.label} values for LA {settings.la_code} (built before {quarter.end}?)"
    return None


def gate(settings: Settings, period: str, *, as_of: date | None = None, progress: Progress = print) -> str:
    """Run every data-quality check as of `as_of` (default: the newest case_system extract date; results in
    `dq`); raise ReturnBlocked, after alerting, on a blocking failure that no named release covers."""
    from expectations import check_warehouse

    run = check_warehouse(settings, as_of=as_of, progress=progress)
    progress(f"data quality run {run.run_id}: {run.status}, {run.checks_run} checks, {run.warnings} warnings")
    if run.status != "PASSED":
        made = _release(settings, period, run.run_id)
        if made is not None:  # a named person released these failures of this data (expectations/releases.py)
            progress(f"regional return {period} {made.summary()}")
            return run.run_id
        reason = f"{run.blocking_failures} blocking data quality check(s) failed (run {run.run_id})"
        _alert(settings, period, reason, progress, run_id=run.run_id)
        raise ReturnBlocked(f"regional return {period} blocked: {reason}")
    return run.run_id


def _release(settings: Settings, period: str, run_id: str):
    """The release of `period` covering check run `run_id` (dq.releases), or None."""
    from expectations.releases import covering
    from foundation.warehouse import connect

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        return covering(con, parse_quarter(period).label, run_id)
    finally:
        con.close()


def write(settings: Settings, period: str, out: Path, *, progress: Progress = print) -> ReturnFiles:
    """Write the quarter's outbox folder (atomically; a re-run replaces it), or alert and raise ReturnBlocked.

    Small numbers are suppressed unless the settings turn it off with a reason (CSW_SUPPRESSION)."""
    try:
        return export_return(settings, period, out, progress=progress)
    except ExportRefused as exc:
        _alert(settings, period, exc.reason, progress)
        raise ReturnBlocked(f"regional return {period} refused: {exc.reason}") from None


def export_return(settings: Settings, period: str, out: Path, *, suppression=None,
                  progress: Progress = print) -> ReturnFiles:
    """Write the quarter's return under `out` (exports.regional.write), after the gate's freshness test.
    `suppression` (exports.regional.suppression.Suppression): default from CSW_SUPPRESSION (on)."""
    from exports.regional import write_regional_return
    from exports.regional.suppression import Suppression
    from foundation.warehouse import connect

    suppression = suppression or Suppression.from_setting(settings.suppression, settings.suppression_off_reason)
    progress(f"small-number suppression {suppression.description}")
    con = connect(settings)  # same configuration as dbt's in-process connection (DuckDB refuses a mix)
    try:
        files = write_regional_return(
            con, period=period, out_dir=out, la_code=settings.la_code, suppression=suppression
        )
    finally:
        con.close()
    progress(f"regional return {period} written to {files.folder}")
    return files


def deliver(settings: Settings, period: str, paths: Sequence[Path], *, progress: Progress = print) -> bool:
    """Email the outbox files (`ReturnFiles.paths`) to the alliance when `CSW_ALLIANCE_TO` is set."""
    from exports.regional.delivery import deliver as send_return

    sent = send_return(paths, settings, la_name=_la_name(settings), period=period)
    progress(f"return emailed to {settings.alliance_to}" if sent else "CSW_ALLIANCE_TO is empty: return not emailed")
    return sent


def _alert(settings: Settings, period: str, reason: str, progress: Progress, *, run_id: str | None = None) -> None:
    """The one blocking alert (expectations.alerts): why, the check run's blocking failures, the Data Docs."""
    from expectations.alerts import alert_blocked

    progress(alert_blocked(settings, reason=reason, period=period, run_id=run_id).reason)


def _la_name(settings: Settings) -> str:
    from foundation.warehouse import connect, first_row

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        row = first_row(con, "select la_name from marts.dim_local_authorities where la_code = $1", [settings.la_code])
    finally:
        con.close()
    return row[0] if row else f"LA {settings.la_code}"
