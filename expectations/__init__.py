"""Data quality checks (`csw check`): Great Expectations suites built from the feed contracts and the
indicator catalogue, run over the current raw batches and the indicator mart, stored in `dq.*`.

Importing this package is cheap: Great Expectations is imported only when `run_checks` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from expectations.run import run_checks
from expectations.results import CheckFailure, CheckResult, CheckRun
from foundation.settings import Settings

__all__ = ["CheckFailure", "CheckResult", "CheckRun", "check_warehouse", "run_checks"]


def check_warehouse(settings: Settings, *, as_of: date | None = None,
                    progress: Callable[[str], None] | None = None) -> CheckRun:
    """Every check over the warehouse of `settings` as of `as_of` (default: the newest case_system extract),
    stored in `dq.*`, with the Data Docs in `<output>/data-docs`: what `csw check` and the gates run."""
    from foundation.warehouse import connect
    from ingest.core.runs import resolve_as_of

    as_of = resolve_as_of(as_of, settings)
    con = connect(settings)
    try:
        return run_checks(con, as_of=as_of, progress=progress, data_docs=settings.output_dir / "data-docs")
    finally:
        con.close()
