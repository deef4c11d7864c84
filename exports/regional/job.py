"""The scheduled regional return as plain functions (the `export__regional_return` DAG's tasks call these):
are the marts ready for the quarter, run the data-quality gate, write the outbox, deliver — and alert the
performance team when the gate or the export refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from foundation.settings import Settings
from exports.errors import ExportRefused, HeldBack
from foundation.periods import parse_quarter
from exports.regional.write import ReturnFiles

if TYPE_CHECKING:
    from expectations.results import CheckFailure

Progress = Callable[[str], None]


class ReturnBlocked(RuntimeError):
    """The data-quality gate or the export refused the quarter: nothing was written, the team was alerted."""


def marts_missing_reason(settings: Settings, period: str) -> str | None:
    """None when `marts.fct_indicator_values` holds quarterly values of our authority (CSW_LA_CODE) for `period`
    (the transform has run with an as-of on or after the quarter's end); otherwise why not yet. A hub builds
    every authority in one transform, so our authority's quarter stands for all of them."""
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
    `dq`); raise ReturnBlocked, after alerting, on a blocking failure that no named release covers and that holds
    back every authority of the return. In a hub a failure of one authority's rows holds back only its return
    (`CheckRun.held_back`): the gate passes, naming who is held back and why, and `write` writes the others."""
    from expectations import check_warehouse

    run = check_warehouse(settings, as_of=as_of, progress=progress)
    progress(f"data quality run {run.run_id}: {run.status}, {run.checks_run} checks, {run.warnings} warnings")
    if run.status != "PASSED":
        made = _release(settings, period, run.run_id)
        if made is not None:  # a named person released these failures of this data (expectations/releases.py)
            progress(f"regional return {period} {made.summary()}")
            return run.run_id
        codes = return_authorities_of(settings)
        held = run.held_back(codes)
        for code in list(held):  # a release of that authority's failures (csw dq release --la) lets its return out
            mine = _release(settings, period, run.run_id, la_code=code)
            if mine is not None:
                progress(f"authority {code}: regional return {period} {mine.summary()}")
                del held[code]
        if len(held) < len(codes):  # some authorities have no blocking failure of their own: theirs are written
            for code, failures in held.items():
                progress(f"authority {code} held back: {_held_back_reason(failures)}")
            progress(f"regional return {period} gate passed for {', '.join(c for c in codes if c not in held)}")
            return run.run_id
        reason = f"{run.blocking_failures} blocking data quality check(s) failed (run {run.run_id})"
        _alert(settings, period, reason, progress, run_id=run.run_id)
        raise ReturnBlocked(f"regional return {period} blocked: {reason}")
    return run.run_id


def _held_back_reason(failures: Sequence[CheckFailure]) -> str:
    """`2 blocking check(s) failed: dfe_validation.CIN 8606, staging_relationships.cp_reviews_have_their_cp_plan_id`:
    an authority's blocking failures, each check named once."""
    names = ", ".join(dict.fromkeys(f"{f.suite}.{f.check_name}" for f in failures))
    return f"{len(failures)} blocking check(s) failed: {names}"


def return_authorities_of(settings: Settings) -> list[str]:
    """Every authority a return is written for (the marts' authorities; before a build, CSW_LA_CODE)."""
    from exports.authorities import return_authorities
    from foundation.warehouse import connect

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        return return_authorities(con, [], settings.la_code)
    finally:
        con.close()


def _release(settings: Settings, period: str, run_id: str, la_code: str | None = None):
    """The release of `period` covering check run `run_id` (dq.releases): for every authority, or (`la_code`)
    for that authority's return; None when there is none."""
    from expectations.releases import covering
    from foundation.warehouse import connect

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        return covering(con, parse_quarter(period).label, run_id, la_code)
    finally:
        con.close()


@dataclass(frozen=True)
class RegionalReturns:
    """The returns of one quarter, one per authority (`<out>/regional/<la_code>/<period>/`), in code order."""

    by_authority: dict[str, ReturnFiles]
    held_back: dict[str, str] = field(default_factory=dict)  # authority → why its return was held back (its checks)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for files in self.by_authority.values() for path in files.paths)

    def held_back_line(self) -> str:
        """`authority 840 held back: <why>; written for 841` (one line; '' when none was held back)."""
        if not self.held_back:
            return ""
        return ("; ".join(f"authority {code} held back: {why}" for code, why in self.held_back.items())
                + f"; written for {', '.join(self.by_authority)}")


def write(settings: Settings, period: str, out: Path, *, la_codes: Sequence[str] = (),
          progress: Progress = print) -> RegionalReturns:
    """Write the quarter's outbox folder of every authority in the marts (or of `la_codes`), each atomically (a
    re-run replaces it); or alert and raise ReturnBlocked when one is refused (the others are still written).
    An authority held back by its own blocking data-quality failures (the gate passed for others) is named in an
    alert; the others' returns are written and returned, for delivery.

    Small numbers are suppressed unless the settings turn it off with a reason (CSW_SUPPRESSION)."""
    try:
        returns = export_returns(settings, period, out, la_codes=la_codes, progress=progress)
    except ExportRefused as exc:
        _alert(settings, period, exc.reason, progress)
        raise ReturnBlocked(f"regional return {period} refused: {exc.reason}") from None
    for code, why in returns.held_back.items():  # each held-back authority's own alert, its own failures
        _alert(settings, period, f"{why}; written for {', '.join(returns.by_authority)}", progress, la_code=code)
    return returns


def export_returns(settings: Settings, period: str, out: Path, *, la_codes: Sequence[str] = (), suppression=None,
                   progress: Progress = print) -> RegionalReturns:
    """One return per authority (exports.authorities.return_authorities: `la_codes`, else every authority
    in the marts), each by `export_return`. With one authority it says and writes exactly what one authority's
    warehouse did; with several each line starts `authority <la_code> (i/n):`. An authority refused does not
    stop the others: ExportRefused at the end names each refused authority and its reason."""
    from exports.authorities import return_authorities
    from foundation.warehouse import connect

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        codes = return_authorities(con, list(la_codes), settings.la_code)
    finally:
        con.close()
    if len(codes) == 1:
        files = export_return(settings, period, out, la_code=codes[0], suppression=suppression, progress=progress)
        return RegionalReturns({codes[0]: files})
    progress(f"regional return {period} for {len(codes)} authorities: {', '.join(codes)}")
    written: dict[str, ReturnFiles] = {}
    refused: dict[str, str] = {}
    held_back: dict[str, str] = {}
    for number, code in enumerate(codes, 1):
        prefix = f"authority {code} ({number}/{len(codes)}): "
        try:
            written[code] = export_return(settings, period, out, la_code=code, suppression=suppression,
                                          progress=lambda line, prefix=prefix: progress(prefix + line))
        except ExportRefused as exc:
            (held_back if isinstance(exc, HeldBack) else refused)[code] = exc.reason
            progress(f"{prefix}{'held back' if isinstance(exc, HeldBack) else 'refused'}: {exc.reason}")
    if held_back and written and not refused:  # the gate per authority: the others' returns stand
        returns = RegionalReturns(written, held_back)
        progress(f"regional return {period}: {returns.held_back_line()}")
        return returns
    refused.update(held_back)
    if refused:  # a reason of the whole warehouse (the check run failed or is stale) is named once
        by_reason: dict[str, list[str]] = {}
        for code, reason in refused.items():
            by_reason.setdefault(reason, []).append(code)
        if not written and len(by_reason) == 1:  # every authority for the one reason: the warehouse's own
            raise ExportRefused(next(iter(by_reason)))
        done = f"; written for {', '.join(written)}" if written else ""
        raise ExportRefused("; ".join(f"authority {', '.join(codes)}: {reason}" for reason, codes in by_reason.items())
                            + done)
    return RegionalReturns(written)


def export_return(settings: Settings, period: str, out: Path, *, la_code: str | None = None, suppression=None,
                  progress: Progress = print) -> ReturnFiles:
    """Write one authority's return (`la_code`, default CSW_LA_CODE) for the quarter under `out`
    (exports.regional.write), after the gate's freshness test.
    `suppression` (exports.regional.suppression.Suppression): default from CSW_SUPPRESSION (on)."""
    from exports.regional import write_regional_return
    from exports.regional.suppression import Suppression
    from foundation.warehouse import connect

    suppression = suppression or Suppression.from_setting(settings.suppression, settings.suppression_off_reason)
    progress(f"small-number suppression {suppression.description}")
    con = connect(settings)  # same configuration as dbt's in-process connection (DuckDB refuses a mix)
    try:
        files = write_regional_return(
            con, period=period, out_dir=out, la_code=la_code or settings.la_code, suppression=suppression
        )
    finally:
        con.close()
    progress(f"regional return {period} written to {files.folder}")
    return files


def deliver(settings: Settings, period: str, paths: Sequence[Path], *, progress: Progress = print) -> bool:
    """Email the outbox files (`RegionalReturns.paths`) to the alliance when `CSW_ALLIANCE_TO` is set: one mail
    per authority, whose code is the name of the folder above the quarter's (`regional/<la_code>/<period>/`)."""
    from exports.regional.delivery import deliver as send_return

    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(Path(path).parent, []).append(Path(path))
    sent = False
    for folder, files in folders.items():
        code = folder.parent.name if folder.parent.parent.name == "regional" else settings.la_code
        sent = send_return(files, settings, la_name=_la_name(settings, code), la_code=code, period=period) or sent
        if len(folders) > 1 and sent:
            progress(f"authority {code}: return emailed to {settings.alliance_to}")
    if len(folders) <= 1 or not sent:
        progress(f"return emailed to {settings.alliance_to}" if sent else
                 "CSW_ALLIANCE_TO is empty: return not emailed")
    return sent


def _alert(settings: Settings, period: str, reason: str, progress: Progress, *, run_id: str | None = None,
           la_code: str | None = None) -> None:
    """The one blocking alert (expectations.alerts): why, the check run's blocking failures, the Data Docs."""
    from expectations.alerts import alert_blocked

    progress(alert_blocked(settings, reason=reason, period=period, run_id=run_id, la_code=la_code).reason)


def _la_name(settings: Settings, la_code: str) -> str:
    from foundation.warehouse import connect, first_row

    con = connect(settings)  # the configuration of the task's other connections (DuckDB refuses a mix)
    try:
        row = first_row(con, "select la_name from marts.dim_local_authorities where la_code = $1", [la_code])
    finally:
        con.close()
    return row[0] if row else f"LA {la_code}"
