"""Acknowledged warnings: a performance officer records that a known warning is understood (who, why,
when, until when), without editing code (`csw dq acknowledge <check> --by NAME --reason TEXT`).

An acknowledged warning still fails and is still stored and listed (its `acknowledged_by` is set in
`dq.check_results`, and the return's Data quality sheet shows it), but it no longer alerts. Blocking checks
cannot be acknowledged: they guard what leaves the building, so the data must be fixed instead.
Acknowledgements are appended, never edited: the newest one for a check is the one in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from expectations import store
from expectations.results import CheckResult
from foundation.warehouse import Connection


class AcknowledgementRefused(ValueError):
    """The acknowledgement cannot be recorded; the message says why and what to do."""


@dataclass(frozen=True)
class Acknowledgement:
    suite: str
    check_name: str
    acknowledged_by: str
    reason: str
    acknowledged_at: datetime
    expires_on: date | None

    def in_force(self, on: date) -> bool:
        return self.expires_on is None or on <= self.expires_on


def acknowledge(
    con: Connection, check_name: str, *, by: str, reason: str, suite: str | None = None,
    expires_on: date | None = None, today: date | None = None,
) -> Acknowledgement:
    """Record an acknowledgement of a warning that `csw check` has reported (it must be in `dq.check_results`)."""
    today = today or datetime.now(timezone.utc).date()
    if not by.strip() or not reason.strip():
        raise AcknowledgementRefused("an acknowledgement needs who (--by) and why (--reason)")
    if expires_on is not None and expires_on < today:
        raise AcknowledgementRefused(f"the expiry date {expires_on} is in the past")
    store.ensure_tables(con)
    params: list[object] = [check_name]
    where = "r.check_name = $1"
    if suite:
        where += " and r.suite = $2"
        params.append(suite)
    # the severity the newest run that ran the check gave it (the policy may have changed since older runs)
    known = con.execute(
        f"select r.suite, string_agg(distinct r.severity, ',') from {store.RESULTS_TABLE} as r "
        f"join {store.RUNS_TABLE} as n on n.run_id = r.run_id where {where} and n.started_at = ("
        f"select max(m.started_at) from {store.RUNS_TABLE} as m join {store.RESULTS_TABLE} as o "
        f"on o.run_id = m.run_id where o.check_name = r.check_name and o.suite = r.suite) "
        "group by r.suite order by r.suite", params).fetchall()
    if not known:
        raise AcknowledgementRefused(
            f"no check {check_name!r}{f' in suite {suite!r}' if suite else ''} in dq.check_results: "
            "copy the suite and check names from `csw check` output")
    if len(known) > 1:
        raise AcknowledgementRefused(
            f"check {check_name!r} runs in {len(known)} suites ({', '.join(s for s, _ in known[:5])}"
            f"{', …' if len(known) > 5 else ''}): name one with --suite")
    found_suite, severities = known[0]
    if "blocking" in severities.split(","):
        raise AcknowledgementRefused(
            f"{found_suite} / {check_name} is a blocking check: blocking checks cannot be acknowledged, "
            "the data must be fixed (they stop the regional return)")
    ack = Acknowledgement(found_suite, check_name, by.strip(), reason.strip(),
                          datetime.now(timezone.utc).replace(tzinfo=None), expires_on)
    con.execute(
        f"insert into {store.ACKNOWLEDGEMENTS_TABLE} (suite, check_name, acknowledged_by, reason, acknowledged_at, "
        "expires_on) values ($1, $2, $3, $4, $5, $6)",
        [ack.suite, ack.check_name, ack.acknowledged_by, ack.reason, ack.acknowledged_at, ack.expires_on],
    )
    return ack


def acknowledgements(con: Connection) -> list[Acknowledgement]:
    """Every acknowledgement recorded, newest first."""
    store.ensure_tables(con)
    rows = con.execute(
        f"select suite, check_name, acknowledged_by, reason, acknowledged_at, expires_on "
        f"from {store.ACKNOWLEDGEMENTS_TABLE} order by acknowledged_at desc").fetchall()
    return [Acknowledgement(*row) for row in rows]


def in_force(con: Connection, on: date) -> dict[tuple[str, str], Acknowledgement]:
    """The newest acknowledgement of each (suite, check), if it has not expired on `on`."""
    newest: dict[tuple[str, str], Acknowledgement] = {}
    for ack in acknowledgements(con):
        newest.setdefault((ack.suite, ack.check_name), ack)
    return {key: ack for key, ack in newest.items() if ack.in_force(on)}


def mark(results: Sequence[CheckResult], acks: dict[tuple[str, str], Acknowledgement]) -> list[CheckResult]:
    """Set `acknowledged_by` on failed warnings that are acknowledged; blocking failures are never marked."""
    return [
        replace(r, acknowledged_by=acks[(r.suite, r.check_name)].acknowledged_by)
        if r.failed and r.severity == "warning" and (r.suite, r.check_name) in acks else r
        for r in results
    ]
