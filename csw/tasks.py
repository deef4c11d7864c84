"""The Airflow tasks of the job, one factory each: the product DAGs and the demo DAG chain these and nothing else.

- `ingest__<feed>` (dags/ingest_feeds.py): `wait_for_files_task(feed)` → `load_feed_task(feed)`; on a server
  target (Postgres) `wait_for_files_task(feed)` → `feed_authorities_task(feed)` → `load_authority_task(feed, …)`,
  one load per authority, run in parallel (Airflow's dynamic task mapping)
- `transform__warehouse`: `transform_task()` (Cosmos, csw/transform.py)
- `export__regional_return`: `marts_ready_task()` → `quality_gate_task()` → `write_return_task()` → `deliver_task()`,
  and `write_scorecard_task()` after the return (the quarter's pages into the outbox, the team emailed)
- `export__ssda903`, `export__cin_census` (dags/export__statutory_returns.py): `statutory_export_task(return)` →
  `validation_input_task(written)` → `dfe_validator_task(request)` (ExternalPythonOperator in the DfE validators'
  own venv) → `store_dfe_findings_task(request)` (dq, and the error report by team into the export's folder)
- `export__annex_a` (manual): `annex_a_export_task()`
- `csw_pipeline` (the demo `make run` drives): `load_feed_task(feed, every_file=True)` for every feed, then the
  same transform, marts_ready, quality_gate, write_return and deliver tasks.

What a task works on comes from its run, the same way in every DAG:
- the landing folder: param `landing`, else `CSW_LANDING`, else `demo/landing`;
- the as-of date: param `as_of`, else the run's date (csw.dbt.run_as_of; dbt's CSW_AS_OF follows the same rule);
- the quarter of the return: param `period`, else the run's data interval when it is one financial quarter
  (the export's timetable), else the last complete quarter on the as-of date.
- the collection year of a statutory return: param `year`, else the year (1 April to 31 March) that ended
  before the run's date.

Heavy imports stay inside the task bodies (DAG parsing imports this module).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import PokeReturnValue, get_current_context, task

from csw.assets import MARTS, REGIONAL_RETURN, feed_alias
from foundation.settings import PROJECT_ROOT

WAIT_HOURS = 20  # a day's files arrive within this long of the day's start, or the ingest run is skipped


def ingest_concurrency() -> int:
    """How many authorities' loads of one feed run at once on a server target (CSW_INGEST_CONCURRENCY, default
    4): each holds one Postgres connection and one file's rows in memory."""
    value = os.environ.get("CSW_INGEST_CONCURRENCY", "4")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"CSW_INGEST_CONCURRENCY={value!r}: expected a whole number of at least 1")
    return int(value)


def _run() -> tuple[Any, Any]:
    """(context, settings) of the running task."""
    from foundation.settings import get_settings

    return get_current_context(), get_settings()


def _landing(context) -> Path:
    return Path(context["params"].get("landing") or os.environ.get("CSW_LANDING", PROJECT_ROOT / "demo" / "landing"))


def _as_of(context, settings):
    from csw.dbt import run_as_of

    return run_as_of(context["params"], context["dag_run"], settings)


def _period(context, settings) -> str:
    """The return's quarter: param `period`, else the data interval when it is one quarter, else the last
    complete quarter on the run's as-of date."""
    from foundation.periods import Quarter, last_complete_quarter

    if context["params"].get("period"):
        return context["params"]["period"]
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is not None and end is not None:
        quarter = Quarter.containing(start.date())
        if start.date() == quarter.start and end.date() == quarter.end + timedelta(days=1):
            return quarter.label
    return last_complete_quarter(_as_of(context, settings)).label


def _out(context, settings) -> Path:
    return Path(context["params"].get("out") or settings.output_dir)


def wait_for_files_task(feed: str):
    """Sensor: done once a file for the run's date (or an undated file) is in the feed's landing folder."""

    @task.sensor(task_id="wait_for_files", mode="reschedule", poke_interval=600, timeout=WAIT_HOURS * 3600,
                 soft_fail=True, retries=0)
    def wait_for_files() -> bool:
        """True once a file for this run's date (or an undated file) is in the feed's landing folder."""
        from ingest.core.runs import files_for_day

        context, settings = _run()
        landing, day = _landing(context), _as_of(context, settings)
        found = files_for_day(landing, feed, day)
        print(f"{len(found)} {feed} file(s) for {day} in {landing / feed}")
        return bool(found)

    return wait_for_files()


def load_feed_task(feed: str, *, every_file: bool = False):
    """Load the feed's files of the run's date (with `every_file`: every new file of the feed, as the demo
    does) through `ingest.core.load.load_feed`, and emit an Asset event for each raw table that got a batch."""

    @task(task_id="load" if not every_file else f"load__{feed}", outlets=[feed_alias(feed)], retries=0)
    def load() -> dict:
        """Load the feed's files; emit an Asset event for each raw table that received a batch."""
        from ingest.core.load import check_secret_before_opening

        context, settings = _run()
        print(settings.secret_line())
        check_secret_before_opening(_landing(context), settings)  # a missing or public secret fails before any file moves
        return _load_and_mark(feed, context, settings, every_file=every_file)

    return load()


def _load_and_mark(feed: str, context, settings, *, every_file: bool = False, authority: str | None = None) -> dict:
    """`ingest.core.load.load_feed` of the run's files (every authority's, or `authority`'s), its report printed,
    and an Asset event for each raw table that received a batch."""
    from csw.assets import raw_asset
    from csw.cli import print_load_report
    from foundation.warehouse import connect
    from ingest.core.load import load_feed

    landing, day = _landing(context), _as_of(context, settings)
    con = connect(settings)
    try:
        report = load_feed(con, landing, feed, settings, day=None if every_file else day, as_of=day,
                           progress=print, authority=authority)
    finally:
        con.close()
    print_load_report(report)
    rows: dict[str, int] = {}
    for f in report.files:
        for table, count in f.rows_by_table().items():
            rows[table] = rows.get(table, 0) + count
    events = context["outlet_events"][feed_alias(feed)]
    for table, count in rows.items():
        events.add(raw_asset(table), extra={"rows": count, "date": str(day)})
    return {"loaded": report.count("loaded"), "duplicate": report.count("duplicate"),
            "quarantined": report.count("quarantined"), "tables": sorted(rows)}


def feed_authorities_task(feed: str):
    """The authorities a server run of the feed loads, one mapped `load` each (ingest.core.load.feed_authorities):
    every authority folder with files of the run's date ("" for CSW_LA_CODE's feed folders directly under the
    landing) and every folder the reference data does not know (its load quarantines it, naming it). The
    reference data is read here, once, and again by each load as it starts."""

    @task(task_id="authorities", retries=0)
    def authorities() -> list[str]:
        """The authorities with files of the run's date, and the refused folders."""
        from foundation.warehouse import connect
        from ingest.core.load import feed_authorities

        context, settings = _run()
        landing, day = _landing(context), _as_of(context, settings)
        con = connect(settings)
        try:
            found = feed_authorities(con, landing, feed, settings, day=day)
        finally:
            con.close()
        print(f"{feed} for {day}: " + (", ".join(key or f"{settings.la_code} (flat)" for key in found) or "none"))
        return found

    return authorities()


def load_authority_task(feed: str, authorities):
    """One load per entry of `authorities` (feed_authorities_task's list), mapped with `.expand`: each loads only
    its authority's files of the run's date, checks only its authority's secret (a missing one fails that load,
    naming the authority; the others go on) and emits the Asset events of the tables it loaded. At most
    CSW_INGEST_CONCURRENCY run at once; Postgres takes the concurrent writers (ingest/core/load.py)."""

    @task(task_id="load", outlets=[feed_alias(feed)], retries=0, max_active_tis_per_dagrun=ingest_concurrency(),
          map_index_template="{{ authority_shown }}")
    def load(authority: str) -> dict:
        """Load one authority's files of the feed; emit an Asset event for each raw table that got a batch."""
        context, settings = _run()
        context["authority_shown"] = authority or settings.la_code  # the mapped instance's name in the UI
        return _load_and_mark(feed, context, settings, authority=authority)

    return load.expand(authority=authorities)


def transform_task():
    """dbt build through Cosmos (csw/transform.py) as of the run's as-of date; marks the marts Asset updated.
    The DAG passes `user_defined_macros=csw.dbt.MACROS` (the as-of template calls `run_as_of`)."""
    from csw.transform import transform_step  # Cosmos: only DAGs that build import it

    return transform_step(outlets=[MARTS])


def marts_ready_task():
    """Sensor: done when the marts hold the return's quarter; otherwise says what is missing and pokes later."""

    @task.sensor(task_id="marts_ready", poke_interval=timedelta(minutes=30), timeout=timedelta(days=2),
                 mode="reschedule", inlets=[MARTS])
    def marts_ready() -> PokeReturnValue:
        """Done when the marts hold the quarter; otherwise says what is missing and pokes again later."""
        from exports.regional.job import marts_missing_reason

        context, settings = _run()
        period = _period(context, settings)
        reason = marts_missing_reason(settings, period)
        print(f"marts ready for {period}" if reason is None else f"waiting: {reason}")
        return PokeReturnValue(is_done=reason is None, xcom_value=period)

    return marts_ready()


def quality_gate_task():
    """Every data-quality check as of param `as_of` (else the newest extract date: exports.regional.job.gate);
    a blocking failure alerts the performance team and fails the run."""

    @task(task_id="quality_gate", retries=0)
    def quality_gate() -> str:
        """Every data-quality check; a blocking failure alerts the performance team and fails the run."""
        from datetime import date

        from airflow.exceptions import AirflowFailException

        from exports.regional.job import ReturnBlocked, gate

        context, settings = _run()
        given = context["params"].get("as_of")
        try:
            return gate(settings, _period(context, settings), as_of=date.fromisoformat(given) if given else None)
        except ReturnBlocked as exc:
            raise AirflowFailException(str(exc)) from None

    return quality_gate()


def write_return_task():
    """The quarter's three files of every authority in the marts, each swapped into the outbox in one rename
    (exports.regional.job.write: only after a passed gate that nothing was loaded or built since); marks the
    return Asset updated."""

    @task(task_id="write_return", retries=0, outlets=[REGIONAL_RETURN])
    def write_return() -> list[str]:
        """The quarter's three files, swapped into the outbox in one rename."""
        from airflow.exceptions import AirflowFailException

        from exports.regional.job import ReturnBlocked, write

        context, settings = _run()
        try:
            files = write(settings, _period(context, settings), _out(context, settings))
        except ReturnBlocked as exc:
            raise AirflowFailException(str(exc)) from None
        return [str(p) for p in files.paths]

    return write_return()


def write_scorecard_task():
    """The quarter's scorecard, panel report and data-quality page of every authority in the marts
    (exports.reports.job.publish) into the outbox (`<out>/scorecard/<period>/` and `…-sharing/`, another authority's
    in `<out>/scorecard/<la_code>/…`), after the return passed its gate: the page states the
    data-quality status of that check run. Emails the performance team (`CSW_ALERT_TO`) where they are."""

    @task(task_id="write_scorecard", retries=0)
    def write_scorecard() -> list[str]:
        from exports.reports.job import publish

        context, settings = _run()
        return [str(p) for p in publish(settings, _period(context, settings), _out(context, settings), progress=print)]

    return write_scorecard()


def deliver_task(paths):
    """Email the written files (`paths`, the write task's result) to the alliance (`CSW_ALLIANCE_TO`)."""

    @task(task_id="deliver")
    def deliver(paths: list[str]) -> bool:
        """Email the outbox files to the alliance (`CSW_ALLIANCE_TO`), when configured."""
        from exports.regional.job import deliver as send_return

        context, settings = _run()
        return send_return(settings, _period(context, settings), [Path(p) for p in paths])

    return deliver(paths)


def _collection_year(context) -> str:
    """The statutory return's collection year: param `year`, else the one that ended before the run's date."""
    from csw.dbt import run_date
    from expectations.dfe_validators.runner import check_year
    from foundation.periods import last_complete_collection_year

    given = context["params"].get("year")
    return check_year(given) if given else last_complete_collection_year(run_date(context["dag_run"]))


def statutory_export_task(return_name: str):
    """The collection year's SSDA903 CSVs or CIN census XML (exports/statutory/<return>/write.py: a temporary
    folder swapped into `<out>/<return>/<la_code>/<year>/` with its manifest of SHA-256s), once the warehouse
    holds a case_system extract dated on or after the year's end; a refusal fails the run with its reason."""

    @task(task_id="export", retries=0)
    def export() -> dict:
        """Write the year's return into its outbox folder; the result names the folder for the validation."""
        from airflow.exceptions import AirflowFailException

        from exports.dfe_error_report import year_end
        from exports.errors import ExportRefused
        from exports.statutory.cin import export_census
        from exports.statutory.ssda903 import export_ssda903
        from expectations.dfe_validators.runner import ValidatorError
        from ingest.core.runs import latest_extract_date

        context, settings = _run()
        try:
            year = _collection_year(context)
        except ValidatorError as exc:
            raise AirflowFailException(str(exc)) from None
        newest = latest_extract_date(settings)
        if newest is None or newest < year_end(year):
            raise AirflowFailException(f"{return_name} {year}: the warehouse's newest case_system extract is "
                                       f"{newest or 'none'}, before the year's end {year_end(year)}: load and build "
                                       "the year first (or trigger with param year)")
        writer = {"ssda903": export_ssda903, "cin": export_census}[return_name]
        try:
            files = writer(settings, year, _out(context, settings))
        except ExportRefused as exc:
            raise AirflowFailException(str(exc)) from None
        for path in files.paths:
            print(f"wrote {path}")
        return {"return": return_name, "year": year, "folder": str(files.folder)}

    return export()


def annex_a_export_task():
    """Ofsted's Annex A workbook for param `as_of` (the date the inspection starts; required), swapped into
    `<out>/annex_a/<la_code>/<date>/` with its manifest (exports/statutory/annex_a/write.py)."""

    @task(task_id="export", retries=0)
    def export() -> list[str]:
        """Write the Annex A workbook and its manifest for the given date."""
        from datetime import date

        from airflow.exceptions import AirflowFailException

        from exports.errors import ExportRefused
        from exports.statutory.annex_a import export_annex_a

        context, settings = _run()
        given = context["params"].get("as_of")
        try:
            files = export_annex_a(settings, date.fromisoformat(str(given)), _out(context, settings))
        except (TypeError, ValueError, ExportRefused) as exc:
            raise AirflowFailException(f"annex A as of {given!r}: {exc}") from None
        print("rows: " + ", ".join(f"list {number} {rows}" for number, rows in files.rows.items()))
        return [str(p) for p in files.paths]

    return export()


def validation_input_task(written):
    """The driver's request for the DfE validator on the export just written (`written`, the export task's
    result): its files, a work folder, and the error report's place in the same outbox folder."""

    @task(task_id="validation_input", retries=0)
    def validation_input(written: dict) -> dict:
        """Find the export's files; a folder without them fails here with one line."""
        from airflow.exceptions import AirflowFailException

        from csw.validate import validation_request
        from expectations.dfe_validators.runner import ValidatorError

        context, settings = _run()
        try:
            return validation_request(settings, written["return"], written["year"], Path(written["folder"]),
                                      f"{written['return']}_{written['year']}_{context['run_id']}")
        except ValidatorError as exc:
            raise AirflowFailException(str(exc)) from None

    return validation_input(written)


def _validate_in_venv(request: dict) -> str:
    """Runs INSIDE the validators' venv (ExternalPythonOperator ships this function's source there): only the
    standard library and expectations/dfe_validators/driver.py, which imports pandas 1.5 and the validators."""
    import sys

    sys.path.insert(0, request["driver_dir"])
    import driver  # expectations/dfe_validators/driver.py, by its folder (the project is not importable there)

    return driver.run_request(request)


def dfe_validator_task(request, *, python: str | None = None):
    """Data to Insight's validator on the request's files, in its own venv (`make validators-venv`;
    CSW_VALIDATORS_PYTHON), never in Airflow's: it writes findings.csv and result.json into the work folder."""
    from airflow.providers.standard.operators.python import ExternalPythonOperator

    from foundation.settings import get_settings

    return ExternalPythonOperator(
        task_id="dfe_validator", python=python or str(get_settings().validators_python),
        python_callable=_validate_in_venv, op_args=[request], expect_airflow=False, retries=0,
        execution_timeout=timedelta(hours=1))


def store_dfe_findings_task(request):
    """The validator's findings into dq.dfe_findings (replacing a re-run of the same files) and the per-team
    error report into the export's outbox folder, entered in its manifest; the work folder is removed."""

    @task(task_id="store_dfe_findings")
    def store_dfe_findings(request: dict) -> dict:
        """Store the findings in dq and write the error report (retried: the warehouse may be busy)."""
        import shutil

        from csw.validate import store_validation
        from expectations.dfe_validators.runner import read_result

        _, settings = _run()
        done = store_validation(read_result(request), settings, report=Path(request["report"]))
        shutil.rmtree(request["out"], ignore_errors=True)
        run = done.run
        print(f"{run.return_name} {run.year}: {len(run.findings)} findings, rules that could not run: "
              f"{' '.join(run.failed_rules) or 'none'}; report {done.report}")
        return {"run_id": run.run_id, "findings": len(run.findings), "report": str(done.report),
                "counts": [list(c) for c in run.counts()]}

    return store_dfe_findings(request)
