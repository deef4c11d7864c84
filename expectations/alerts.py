"""Data quality alerts to the performance team (`CSW_ALERT_TO`), by email through `foundation.mail`.

Two kinds, each read from what `csw check` stored in `dq.check_results`:
- **blocking** (`alert_blocked`, the one alert of a stopped regional return): sent when the gate's check run
  has blocking failures, or the export refuses the quarter (a failed or stale gate, small numbers shown
  without a reason). It says why nothing was written and lists every blocking failure of the check run; the
  run's new warnings ride along so nothing waits a day.
- **digest** (daily, `dq__daily_digest` DAG or `csw dq digest`): the warnings of the newest run that are
  not acknowledged (`dq.acknowledgements`) and have not been alerted since the check last passed.

Subject: the kind, the count and the feed(s). Body: each failing check in plain words (the check's
message names the file and rows), example keys (record ids or pseudonymous child keys; never names or
dates of birth) and the path of the Data Docs. Each check alerted is recorded in `dq.alerts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from foundation.mail import Mail, listing, recipients, send
from foundation.settings import Settings, get_settings
from foundation.warehouse import Connection, connect, write_frame

BLOCKING = "blocking"
DIGEST = "digest"


@dataclass(frozen=True)
class Failing:
    """A failed check of one run, as stored in dq.check_results."""

    suite: str
    check_name: str
    feed: str | None
    table_name: str | None
    severity: str
    failing_rows: int | None
    failing_sample: str | None
    message: str

    def describe(self) -> str:
        where = self.feed or "marts"
        sample = f"\n  example keys: {self.failing_sample}" if self.failing_sample else ""
        table = f" on {self.table_name}" if self.table_name else ""
        return f"[{where}] {self.message}{sample}\n  check: {self.suite} / {self.check_name}{table}"


@dataclass(frozen=True)
class AlertOutcome:
    sent: bool
    reason: str  # what happened, for the task log / command output
    mail: Mail | None = None


def data_docs_index(settings: Settings) -> Path:
    """Where `csw check` builds the Great Expectations Data Docs (expectations.data_docs)."""
    return settings.output_dir / "data-docs" / "index.html"


def _latest_run_id(con: Connection) -> str | None:
    rows = con.execute("select run_id from dq.runs order by started_at desc, run_id desc limit 1").fetchall()
    return rows[0][0] if rows else None


def _failing(con: Connection, run_id: str, severity: str, *, new_only: bool, la_code: str | None = None
             ) -> list[Failing]:
    """Failed, unacknowledged checks of `severity` in the run; with `new_only`, only those not alerted since
    they last passed (a warning that comes back after being fixed alerts again); with `la_code`, those of that
    authority's rows and those of no one authority's (a hub's gate per authority)."""
    mine = " and (r.la_code = $3 or r.la_code is null)" if la_code else ""
    new = """
      and not exists (
          select 1 from dq.alerts as a
          where a.suite = r.suite and a.check_name = r.check_name
            and a.sent_at > coalesce((select max(p.checked_at) from dq.check_results as p
                                      where p.suite = r.suite and p.check_name = r.check_name
                                        and p.status = 'passed'), timestamp '1900-01-01'))""" if new_only else ""
    rows = con.execute(
        f"""select r.suite, r.check_name, r.feed, r.table_name, r.severity, r.failing_rows, r.failing_sample, r.message
            from dq.check_results as r
            where r.run_id = $1 and r.status = 'failed' and r.severity = $2 and r.acknowledged_by is null{mine} {new}
            order by r.feed nulls last, r.suite, r.check_name""",
        [run_id, severity, *([la_code] if la_code else [])],
    ).fetchall()
    return [Failing(*row) for row in rows]


def _feeds(failing: list[Failing]) -> str:
    feeds = list(dict.fromkeys(f.feed or "marts" for f in failing))
    return ", ".join(feeds[:4]) + (f" and {len(feeds) - 4} more" if len(feeds) > 4 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _body(intro: str, sections: list[tuple[str, list[Failing]]], docs: Path, run_id: str) -> str:
    parts = [intro, ""]
    for title, failing in sections:
        if failing:
            parts += [f"{title} ({len(failing)}):", listing(f.describe() for f in failing), ""]
    built = "" if docs.exists() else " (not built yet: run `csw check`)"
    parts += [f"Data Docs (open in a browser, no internet needed): {docs}{built}",
              f"Check run: {run_id}. Every result is in the warehouse table dq.check_results.",
              "A known warning can be acknowledged so it stops alerting: "
              "csw dq acknowledge '<check>' --suite <suite> --by NAME --reason TEXT"]
    return "\n".join(parts)


def _record(con: Connection, run_id: str, kind: str, failing: list[Failing], to: tuple[str, ...]) -> None:
    if not failing:  # a refusal with no failing check (e.g. no check run yet): nothing to record
        return
    sent_at = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [(run_id, kind, f.suite, f.check_name, sent_at, ", ".join(to)) for f in failing]
    write_frame(con, "dq.alerts", pd.DataFrame(rows, columns=["run_id", "kind", "suite", "check_name", "sent_at",
                                                               "recipients"]))


def _deliver(con: Connection, settings: Settings, run_id: str, kind: str, mail: Mail,
             failing: list[Failing]) -> AlertOutcome:
    if not mail.to:
        return AlertOutcome(False, f"{mail.subject}: not sent, CSW_ALERT_TO is empty", mail)
    send(mail, settings.smtp_conn_id, from_email=settings.smtp_from)
    _record(con, run_id, kind, failing, mail.to)
    return AlertOutcome(True, f"{mail.subject}: sent to {', '.join(mail.to)}", mail)


def alert_blocked(settings: Settings, *, reason: str, period: str | None = None, run_id: str | None = None,
                  con: Connection | None = None, la_code: str | None = None) -> AlertOutcome:
    """Email the team that the regional return (of `period`, when known) was not written and why: `reason`,
    then the blocking failures of the check run `run_id` (default: the newest) and its new warnings. With
    `la_code` (a hub's authority held back) the return and the failures are that authority's."""
    from expectations import store

    own = con is None
    con = con or connect(settings)
    try:
        store.ensure_tables(con)
        run_id = run_id or _latest_run_id(con)
        blocking = _failing(con, run_id, "blocking", new_only=False, la_code=la_code) if run_id else []
        warnings = _failing(con, run_id, "warning", new_only=True, la_code=la_code) if run_id else []
        authority = la_code or settings.la_code
        which = f"{authority} {period}" if period else authority
        subject = f"[csw] Regional return {which} blocked" + (
            f": {_plural(len(blocking), 'blocking failure')} in {_feeds(blocking)}" if blocking else "")
        rerun = (f"airflow dags test export__regional_return <the quarter's first day>, or csw export regional "
                 f"--period {period}" if period else "csw check, then csw export regional --period <quarter>")
        intro = (f"The regional return {which} was NOT written: {reason}\n\n"
                 f"Nothing in the outbox changed. Fix the data (or the check), then run it again:\n  {rerun}")
        sections = [("Blocking failures", blocking), ("New warnings", warnings)]
        text = (_body(intro, sections, data_docs_index(settings), run_id) if run_id
                else intro + "\n\nNo check run in dq.runs yet: run `csw check`.")
        mail = Mail(subject=subject, text=text, to=recipients(settings.alert_to))
        return _deliver(con, settings, run_id or "", BLOCKING, mail, blocking + warnings)
    finally:
        if own:
            con.close()


def send_daily_digest(*, settings: Settings | None = None, con: Connection | None = None) -> AlertOutcome:
    """Email the newest run's new warnings (unacknowledged, not alerted since they last passed), if any."""
    from expectations import store

    settings = settings or get_settings()
    own = con is None
    con = con or connect(settings)
    try:
        store.ensure_tables(con)
        run_id = _latest_run_id(con)
        if run_id is None:
            return AlertOutcome(False, "no check run in dq.runs: run `csw check` first")
        warnings = _failing(con, run_id, "warning", new_only=True)
        if not warnings:
            return AlertOutcome(False, f"run {run_id}: no new unacknowledged warnings, no digest sent")
        subject = f"[csw] Data quality digest: {_plural(len(warnings), 'new warning')} in {_feeds(warnings)}"
        intro = (f"The data quality checks of run {run_id} found {_plural(len(warnings), 'new warning')} "
                 "(not blocking: the return is still written, and lists them on its Data quality sheet).")
        text = _body(intro, [("New warnings", warnings)], data_docs_index(settings), run_id)
        mail = Mail(subject=subject, text=text, to=recipients(settings.alert_to))
        return _deliver(con, settings, run_id, DIGEST, mail, warnings)
    finally:
        if own:
            con.close()
