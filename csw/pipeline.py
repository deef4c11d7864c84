"""The steps of the main job as the command line runs them, each a plain function.

ingest → build (dbt) → check (Great Expectations) → export (regional return). Each prints what it did
through `progress` and returns a small result the caller can report or pass on. Each is a thin call of the
function the Airflow tasks (csw/tasks.py) call too: `ingest.core.load.load_landing` (the loader loop),
`csw.dbt.run_dbt` with `dbt_vars` and `dbt_env` (Cosmos on Airflow), `expectations.check_warehouse`,
`exports.regional.job.export_return` (the writer); the as-of date is `ingest.core.runs.resolve_as_of`'s.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from foundation.settings import Settings, get_settings
from foundation.warehouse import connect
from ingest.core.runs import resolve_as_of

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


class PipelineError(RuntimeError):
    """A step failed; the message is the one-line reason the CLI prints."""


def ingest(landing: Path, *, as_of: date | None = None, settings: Settings | None = None, progress: Progress = _quiet):
    """Load `landing` (`load_landing`), reading ahead in a reader process when it holds many files: a program that
    calls this does no work when its main module is imported (`if __name__ == "__main__":`), as `csw` does."""
    from ingest.core.load import check_secret_before_opening, load_landing

    settings = settings or get_settings()
    check_secret_before_opening(landing, settings)  # a missing or public secret: SecretRefused before any file moves
    con = connect(settings)
    try:
        return load_landing(con, landing, settings, as_of=as_of, progress=progress, read_ahead=True)
    finally:
        con.close()


def build(*, as_of: date | None = None, settings: Settings | None = None, progress: Progress = _quiet,
          full: str = "", unit_tests: bool | None = None):
    """`dbt build`, incremental when the last recorded build shows it gives the same rows (csw/refresh.py), else
    full; `full` names a reason to rebuild everything regardless. A full build runs dbt's unit tests when
    `unit_tests` is True, or (None) when they have not passed in this warehouse for this dbt project. Prints
    which and why in one line."""
    from csw.dbt import run_dbt
    from csw.refresh import plan_build, record_build

    settings = settings or get_settings()
    as_of = resolve_as_of(as_of, settings)
    con = connect(settings)  # closed before dbt opens the warehouse: one writer to a DuckDB file
    try:
        plan = plan_build(con, settings, as_of, full=full, unit_tests=unit_tests)
    finally:
        con.close()
    progress(plan.heading(settings.target))
    result = run_dbt("build", settings, as_of, plan.dbt_args(), plan.dbt_env())
    if not result.success:
        raise PipelineError("dbt build failed: " + ("; ".join(result.failures[:5]) or "see dbt output above"))
    con = connect(settings)
    try:
        record_build(con, plan, settings.target, os.environ)
    finally:
        con.close()
    return result


def unit_tests(*, as_of: date | None = None, settings: Settings | None = None, progress: Progress = _quiet):
    """dbt's unit tests alone (`dbt test --select test_type:unit`; they need the models' tables, so after a build);
    when they pass, recorded for this dbt project, so the full builds after skip them (csw/refresh.py)."""
    from csw.dbt import run_dbt
    from csw.refresh import record_unit_tests

    settings = settings or get_settings()
    as_of = resolve_as_of(as_of, settings)
    progress(f"dbt unit tests (target {settings.target}, as of {as_of})")
    result = run_dbt("test", settings, as_of, ["--select", "test_type:unit"])
    if not result.success:
        raise PipelineError("dbt unit tests failed: " + ("; ".join(result.failures[:5]) or "see dbt output above"))
    passed = result.counts.get("unit_test:pass", 0)
    con = connect(settings)
    try:
        record_unit_tests(con, settings, passed)
    finally:
        con.close()
    progress(f"dbt unit tests: {passed} passed"
             + ("" if passed else ", none ran (DBT_EXCLUDE_RESOURCE_TYPES?): nothing recorded"))
    return result


def check(*, as_of: date | None = None, settings: Settings | None = None, progress: Progress = _quiet):
    """Every data-quality check over the warehouse (expectations.check_warehouse)."""
    from expectations import check_warehouse

    return check_warehouse(settings or get_settings(), as_of=as_of, progress=progress)


def export_regional(
    period: str, out: Path, *, la_codes: Sequence[str] = (), suppression=None, settings: Settings | None = None,
    progress: Progress = _quiet,
):
    """The regional return's files for `period`, one return per authority in the marts, or per `la_codes`
    (exports.regional.job.export_returns, each by export_return)."""
    from exports.regional.job import export_returns

    return export_returns(settings or get_settings(), period, out, la_codes=la_codes, suppression=suppression,
                          progress=progress)


def rekey_child_keys(*, settings: Settings | None = None, progress: Progress = _quiet) -> int:
    """Recompute every child_key in raw._child_keys from the current CSW_PSEUDONYMISATION_SECRET (a hub's
    authorities each from its own, `Settings.secret_for`; one transaction). Returns how many keys were rewritten: 0 when they already match the secret."""
    from ingest.core.pseudonymise import CHILD_KEYS_TABLE, child_key, rekey as rewrite_keys

    from csw.refresh import forget as forget_builds
    from foundation.warehouse import table_exists

    settings = settings or get_settings()
    settings.pseudonymisation_secret  # noqa: B018 - SecretRefused before the warehouse is opened
    con = connect(settings)
    try:
        if not table_exists(con, *CHILD_KEYS_TABLE.split(".")):
            raise PipelineError(f"nothing to re-key: {CHILD_KEYS_TABLE} does not exist yet (load a case_system extract first)")
        rows = con.execute(f"select la_code, person_id, child_key from {CHILD_KEYS_TABLE}").fetchall()
        secrets = {la: settings.secret_for(la) for la in {row[0] for row in rows}}  # each authority's own
        stale = sum(key != child_key(secrets[la], la, pid) for la, pid, key in rows)
        progress(f"{CHILD_KEYS_TABLE}: {len(rows):,} keys, {stale:,} made with another secret")
        if stale:
            forget_builds(con)  # before the keys change: a build after an interrupted rotation is a full one
        rewritten = rewrite_keys(con, secrets.__getitem__) if stale else 0
    finally:
        con.close()
    progress(f"re-keyed {rewritten:,} children" if rewritten else "keys already match the current secret")
    return rewritten


def rekey(*, as_of: date | None = None, settings: Settings | None = None, progress: Progress = _quiet) -> int:
    """Rotate the pseudonymisation secret (docs/operations.md): new child keys, then `dbt build`, so every
    staging model and mart carries them. A re-run after an interrupted rotation only rebuilds."""
    settings = settings or get_settings()
    as_of = resolve_as_of(as_of, settings)
    rewritten = rekey_child_keys(settings=settings, progress=progress)
    build(as_of=as_of, settings=settings, progress=progress, full="the child keys were re-keyed")
    return rewritten
