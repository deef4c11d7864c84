"""What a check run produces: one row per check (stored in `dq.check_results`) and the run's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from foundation.state import WarehouseState

PASSED = "PASSED"
FAILED = "FAILED"


@dataclass(frozen=True)
class CheckResult:
    """One row of `dq.check_results` (without the run id)."""

    suite: str
    check_name: str
    feed: str | None
    table_name: str | None
    severity: str  # blocking | warning
    status: str  # passed | failed
    observed_value: str | None  # a count, plus codes found for a code list; the regional return shares only the count
    failing_rows: int | None
    failing_sample: str | None  # up to 5 key values of failing rows
    message: str
    checked_at: datetime
    acknowledged_by: str | None = None  # a failed warning a performance officer acknowledged (dq.acknowledgements)
    # The authority whose rows the result judges (a hub, docs/regional-hub.md); None: every authority without a
    # result of its own for the same check (a check that passed for all, or a table not one authority's).
    la_code: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class CheckFailure:
    suite: str
    check_name: str
    severity: str
    message: str
    failing_rows: int | None
    acknowledged_by: str | None = None
    la_code: str | None = None  # the authority the failure holds back; None: every authority

    @property
    def check(self) -> str:
        return self.check_name


@dataclass
class CheckRun:
    """The outcome of `run_checks`: `status` is FAILED when any blocking check failed."""

    run_id: str
    as_of: date
    started_at: datetime
    finished_at: datetime
    status: str  # PASSED | FAILED
    checks_run: int
    blocking_failures: int
    warnings: int
    failures: list[CheckFailure] = field(default_factory=list)
    acknowledged: int = 0  # warnings among `warnings` that an officer acknowledged: listed, not alerted
    data_docs: Path | None = None  # index.html of the run's Data Docs, when built
    state: WarehouseState | None = None  # the loads and build the run checked (None: not recorded)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def held_back(self, la_codes: list[str]) -> dict[str, list[CheckFailure]]:
        """Of `la_codes`, each authority a blocking failure holds back, with those failures: a failure with an
        authority holds back that one; one without (a reference table, the marts' catalogue) holds back all."""
        blocking = [f for f in self.failures if f.severity == "blocking"]
        if self.blocking_failures and not blocking:  # a run recorded without its failures: it holds back all
            return {code: [] for code in la_codes}
        held = {code: [f for f in blocking if f.la_code in (None, code)] for code in la_codes}
        return {code: failures for code, failures in held.items() if failures}

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @classmethod
    def from_results(
        cls, run_id: str, as_of: date, started_at: datetime, finished_at: datetime, results: list[CheckResult],
        state: WarehouseState | None = None,
    ) -> CheckRun:
        failed = [r for r in results if r.failed]
        blocking = sum(1 for r in failed if r.severity == "blocking")
        order = {"blocking": 0, "warning": 1}
        failures = [
            CheckFailure(r.suite, r.check_name, r.severity, r.message, r.failing_rows, r.acknowledged_by, r.la_code)
            for r in sorted(failed, key=lambda r: (order.get(r.severity, 2), r.suite, r.check_name, r.la_code or ""))
        ]
        return cls(
            run_id=run_id,
            as_of=as_of,
            started_at=started_at,
            finished_at=finished_at,
            status=FAILED if blocking else PASSED,
            checks_run=len(results),
            blocking_failures=blocking,
            warnings=len(failed) - blocking,
            failures=failures,
            acknowledged=sum(1 for r in failed if r.acknowledged_by),
            state=state,
        )
