"""Releasing a blocked quarter: a named person lets the regional return out despite blocking failures, with
a reason (`csw dq release --period 2024-25Q4 --by NAME --reason TEXT`). Never silent: the release is
recorded in `dq.releases`, emailed to the team (`CSW_ALERT_TO`, recorded in `dq.alerts` as kind `release`),
and printed on the return's cover sheet and in its manifest.

What a release covers: the newest check run's warehouse state (the load batch and build it checked,
foundation/state.py) and its blocking failures at that moment. A later check run of the same state with
the same (or fewer) blocking failures is still covered — the scheduled gate re-runs the checks before it
writes — but new data (a load or a build) or a blocking check that was not failing then needs a new release.

In a regional hub (docs/regional-hub.md) a release names its authority (`--la 840`): it covers that authority's
blocking failures only (those of its rows, and those of no one authority's rows, which hold back every return),
so releasing one authority's return never lets another's out. A release without `--la` covers the whole run's
blocking failures, every authority's (one authority's warehouse needs no more).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from expectations import store
from foundation.periods import parse_quarter
from foundation.settings import Settings
from foundation.state import checked_state, read_state, stale_reason
from foundation.warehouse import Connection, column_exists, transaction

RELEASES_TABLE = "dq.releases"
_DDL = f"""
create table if not exists {RELEASES_TABLE} (
    period varchar,
    released_by varchar,
    reason varchar,
    released_at timestamp,
    run_id varchar,
    state_batch_id bigint,
    state_build_id bigint,
    blocking_checks varchar,
    la_code varchar
)
"""
_SEPARATOR = "\n"  # between `suite / check` names in blocking_checks (names hold commas and semicolons)


class ReleaseRefused(ValueError):
    """The release cannot be recorded; the message says why and what to do."""


@dataclass(frozen=True)
class Release:
    period: str
    released_by: str
    reason: str
    released_at: datetime  # naive UTC
    run_id: str  # the check run it was made against
    state_batch_id: int | None
    state_build_id: int | None
    blocking_checks: tuple[str, ...]  # `suite / check` released against
    la_code: str | None = None  # the authority whose failures it releases; None: every authority's

    def covers(self, period: str, batch_id: int | None, build_id: int | None, blocking: set[str],
               la_code: str | None = None) -> bool:
        """Whether it lets out `la_code`'s return (None: every authority's) with these blocking failures."""
        return (self.period == period and (self.state_batch_id, self.state_build_id) == (batch_id, build_id)
                and self.la_code in (None, la_code) and blocking <= set(self.blocking_checks))

    def summary(self) -> str:
        whose = f" of authority {self.la_code}" if self.la_code else ""
        return (f"released by {self.released_by} at {self.released_at:%Y-%m-%d %H:%M} UTC against check run "
                f"{self.run_id} ({len(self.blocking_checks)} blocking check(s){whose}): {self.reason}")


def ensure_table(con: Connection) -> None:
    store.ensure_tables(con)
    con.execute(_DDL)
    con.execute(f"alter table {RELEASES_TABLE} add column if not exists la_code varchar")  # made before the hub


def _newest_run(con: Connection) -> tuple[str, datetime, str] | None:
    rows = con.execute("select run_id, started_at, status from dq.runs order by started_at desc, run_id desc limit 1"
                       ).fetchall()
    return rows[0] if rows else None


def blocking_checks(con: Connection, run_id: str, la_code: str | None = None) -> set[str]:
    """`suite / check` of every failed blocking result of the run; with `la_code`, of those that hold back that
    authority's return (its rows' failures and those of no one authority's rows)."""
    # a result recorded before results had an authority is every authority's
    own = bool(la_code) and column_exists(con, "dq", "check_results", "la_code")
    mine = " and (la_code = $2 or la_code is null)" if own else ""
    rows = con.execute(f"select suite, check_name from {store.RESULTS_TABLE} where run_id = $1 and status = 'failed' "
                       f"and severity = 'blocking'{mine}", [run_id, *([la_code] if mine else [])]).fetchall()
    return {f"{suite} / {check}" for suite, check in rows}


def check_la_code(la_code: str) -> None:
    """ReleaseRefused unless `la_code` looks like an authority's DfE code (three digits)."""
    if not (la_code.isdigit() and len(la_code) == 3):
        raise ReleaseRefused(f"--la {la_code!r}: expected an authority's three-digit DfE code, e.g. 841")


def release(con: Connection, *, period: str, by: str, reason: str, la_code: str | None = None,
            now: datetime | None = None, notify: Callable[[Release], object] | None = None) -> Release:
    """Record a release of `period` (of authority `la_code`'s return only, when given) against the newest check
    run (which must have blocking failures, of that authority when given, and have checked the warehouse as it is
    now). `notify` (the team's alert) runs inside the same transaction: if it fails, nothing is recorded, so no
    release is ever silent."""
    if not by.strip() or not reason.strip():
        raise ReleaseRefused("a release needs who (--by) and why (--reason)")
    try:
        period = parse_quarter(period).label
    except ValueError as exc:
        raise ReleaseRefused(str(exc)) from None
    if la_code is not None:
        check_la_code(la_code)
    ensure_table(con)
    newest = _newest_run(con)
    if newest is None:
        raise ReleaseRefused("no check run in dq.runs: run `csw check` first")
    run_id, started_at, status = newest
    checked = checked_state(con, run_id, started_at)
    stale = stale_reason(checked, read_state(con))
    if stale:  # a release is of what was checked: the data must not have changed since
        raise ReleaseRefused(stale)
    blocking = blocking_checks(con, run_id, la_code)
    if not blocking:
        whose = f" of authority {la_code}" if la_code else ""
        raise ReleaseRefused(f"check run {run_id} has no blocking failure{whose} ({status}): there is nothing to "
                             "release")
    made = Release(period, by.strip(), reason.strip(), (now or datetime.now(timezone.utc)).replace(tzinfo=None,
                   microsecond=0), run_id, checked.batch_id, checked.build_id, tuple(sorted(blocking)), la_code)
    with transaction(con):
        con.execute(
            f"insert into {RELEASES_TABLE} (period, released_by, reason, released_at, run_id, state_batch_id, "
            "state_build_id, blocking_checks, la_code) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [made.period, made.released_by, made.reason, made.released_at, made.run_id, made.state_batch_id,
             made.state_build_id, _SEPARATOR.join(made.blocking_checks), made.la_code],
        )
        if notify is not None:
            notify(made)
    return made


def release_quarter(settings: Settings, *, period: str, by: str, reason: str,
                    la_code: str | None = None) -> tuple[Release, str]:
    """`csw dq release`: record the release and email the team in one step; refused when there is no one to
    tell (CSW_ALERT_TO empty). Returns the release and what the alert did."""
    from foundation.mail import recipients
    from foundation.warehouse import connect

    if not recipients(settings.alert_to):
        raise ReleaseRefused("a release is always alerted to the team: set CSW_ALERT_TO (their address) first")
    outcome: list[str] = []
    con = connect(settings)
    try:
        made = release(con, period=period, by=by, reason=reason, la_code=la_code,
                       notify=lambda r: outcome.append(alert_release(settings, r, con=con)))
    finally:
        con.close()
    return made, outcome[0]


def releases(con: Connection, period: str | None = None) -> list[Release]:
    """Every release recorded (of `period`, when given), newest first."""
    if not _table_exists(con):
        return []
    where, params = ("where period = $1", [period]) if period else ("", [])
    has_la = column_exists(con, "dq", "releases", "la_code")
    rows = con.execute(
        f"select period, released_by, reason, released_at, run_id, state_batch_id, state_build_id, blocking_checks, "
        f"{'la_code' if has_la else 'null'} from {RELEASES_TABLE} {where} order by released_at desc", params).fetchall()
    return [Release(*row[:7], tuple((row[7] or "").split(_SEPARATOR)) if row[7] else (), row[8]) for row in rows]


def covering(con: Connection, period: str, run_id: str, la_code: str | None = None) -> Release | None:
    """The newest release of `period` that covers check run `run_id` (for authority `la_code`'s return: a release
    of that authority or of every authority; None: of every authority only): the same warehouse state, and no
    blocking failure it did not release. None when there is no such failure or nothing covers it."""
    blocking = blocking_checks(con, run_id, la_code)
    if not blocking:
        return None
    started = con.execute("select started_at from dq.runs where run_id = $1", [run_id]).fetchall()
    checked = checked_state(con, run_id, started[0][0] if started else None)
    for made in releases(con, period):
        if made.covers(period, checked.batch_id, checked.build_id, blocking, la_code):
            return made
    return None


def _table_exists(con: Connection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'dq' "
                            "and table_name = 'releases'").fetchall()[0][0])


def alert_release(settings: Settings, made: Release, *, con: Connection) -> str:
    """Email the team (CSW_ALERT_TO) that `made` lets the quarter out despite its blocking failures, listing
    them (expectations.alerts: the blocking alert's wording and delivery); recorded in dq.alerts as `release`."""
    from expectations import alerts
    from foundation.mail import Mail, recipients

    blocking = alerts._failing(con, made.run_id, alerts.BLOCKING, new_only=False, la_code=made.la_code)
    which = f"{made.la_code or settings.la_code} {made.period}"
    subject = (f"[csw] Regional return {which} released by {made.released_by} despite "
               f"{alerts._plural(len(blocking), 'blocking failure')}")
    intro = (f"{made.released_by} released the regional return {which} at {made.released_at:%Y-%m-%d %H:%M} UTC "
             f"despite the blocking failures below.\nReason: {made.reason}\n\n"
             "The return can now be written (csw export regional --period " + made.period + "); its cover sheet "
             "and manifest name this release. It holds only while the warehouse is as check run "
             f"{made.run_id} saw it: a new load or build, or a new blocking failure, needs a new release.")
    text = alerts._body(intro, [("Blocking failures released", blocking)], alerts.data_docs_index(settings),
                        made.run_id)
    mail = Mail(subject=subject, text=text, to=recipients(settings.alert_to))
    return alerts._deliver(con, settings, made.run_id, RELEASE, mail, blocking).reason


RELEASE = "release"  # the kind of alert in dq.alerts
