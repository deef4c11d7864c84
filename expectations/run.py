"""`csw check`: the run loop. Every check over the warehouse — the raw suites on the current rows of every
raw table (what staging reads), the marts' suites, the cross-table checks and the DfE rules — one result
each, stored in `dq.runs` / `dq.check_results`, with the run's Data Docs when asked.

Where each part lives: the GX suites (`suites`) run on their tables in `table_checks` (through `gx_pandas`
on DuckDB, `gx_postgres` on Postgres, both validating each suite by `gx_runs`); the SQL checks in
`sql_checks`; every result is made in `verdicts` (whose `severity_of` decides blocking or warning). The GX
context is ephemeral: nothing is written to disk except the `dq` tables and the Data Docs
(expectations/data_docs.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from expectations import acknowledgements, policy, store
from expectations.results import CheckResult, CheckRun
from expectations.verdicts import now
from foundation.state import read_state
from foundation.warehouse import Connection
from ingest.contracts import all_tables

Progress = Callable[[str], None]


def run_checks(
    con: Connection, *, as_of: date, progress: Progress | None = None, data_docs: Path | None = None
) -> CheckRun:
    """Validate every raw table in the contracts (the rows staging reads), the marts, the staging
    relationships, the cross-feed reconciliations and the DfE rules; write the run to `dq.runs` /
    `dq.check_results` and, given `data_docs` (a folder), build the GX Data Docs there. `status` is FAILED if
    a blocking check failed."""
    from expectations import sql_checks, table_checks  # imports GX (slow): only when checks actually run

    say = progress or (lambda _message: None)
    started_at = now()
    state = read_state(con)  # what this run checks: a load or build after this point makes it stale for exports
    run_id = f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    validator = table_checks.validator_for(con, run_id, started_at)
    results: list[CheckResult] = []

    def add(what: str, checked: list[CheckResult]) -> None:
        results.extend(checked)
        failed = [r for r in checked if r.failed]
        blocking = sum(1 for r in failed if r.severity == "blocking")
        say(f"checked {what}: {len(checked)} checks, {blocking} blocking failures, {len(failed) - blocking} warnings")

    raw_columns = table_checks.schema_columns(con, "raw")
    contracts = list(all_tables())
    # DuckDB: each table's rows read by a thread while the one before is validated (`RowsAhead`); Postgres reads
    # each in turn, as SQL in the server
    reading = (nullcontext() if table_checks.reads_sql(validator)
               else table_checks.RowsAhead(con, contracts, as_of, raw_columns))
    with reading as ahead:
        for contract in contracts:
            read = ahead.take(contract) if ahead is not None else None
            add(f"raw.{contract.raw_table}",
                table_checks.check_raw_table(con, validator, contract, as_of, raw_columns, read))
    indicator_values = table_checks.check_indicator_values(con, validator)
    add(f"marts.{indicator_values[0].table_name}", indicator_values)
    breakdowns = table_checks.check_breakdowns(con, validator)
    add(f"marts.{breakdowns[0].table_name}", breakdowns)

    # The Data Docs show GX's validations, all done by now: rendered by a thread (Python) while the SQL checks run
    # in the warehouse (DuckDB and Postgres let go of Python's lock while they work), and published in `data_docs`
    # only once the run is stored; a run that fails before discards them.
    from expectations import data_docs as docs

    rendering: Future[tuple[Path, float]] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="csw-data-docs") as pool:
            rendering = pool.submit(_render, validator.context, data_docs) if data_docs is not None else None
            cross = sql_checks.check_cross_tables(con)
            for suite in dict.fromkeys(r.suite for r in cross):
                add(suite, [r for r in cross if r.suite == suite])
            add("DfE validation rules", sql_checks.check_dfe_rules(con))

            results = policy.apply(con, results)  # the final severity of each result: expectations/policy.yml
            # acknowledged warnings stay failed and stored, marked with who acknowledged them (they stop alerting)
            results = acknowledgements.mark(results, acknowledgements.in_force(con, started_at.date()))
            run = CheckRun.from_results(run_id, as_of, started_at, now(), results, state=state)
            store.write_run(con, run, results)
        if rendering is not None:
            staging, seconds = rendering.result()
            run.data_docs = docs.publish(staging, data_docs)
            say(f"built Data Docs {run.data_docs} in {seconds:.1f} s (while the SQL checks ran)")
    except BaseException:
        # anything raised (an interrupt too, even while waiting for the render): what was rendered is not published,
        # whenever the render ends (once published, its folder has been renamed away and there is nothing to remove)
        if rendering is not None:
            rendering.add_done_callback(_discard_rendered)
        raise
    return run


def _render(context: Any, folder: Path) -> tuple[Path, float]:
    """The run's Data Docs rendered for `folder` (`data_docs.render`), and the seconds it took."""
    from expectations import data_docs as docs

    started = now()
    return docs.render(context, folder), (now() - started).total_seconds()


def _discard_rendered(rendering: Future[tuple[Path, float]]) -> None:
    """Data Docs rendered for a run that failed: removed, never published."""
    from expectations import data_docs as docs

    if not rendering.cancelled() and rendering.exception() is None:
        docs.discard(rendering.result()[0])
