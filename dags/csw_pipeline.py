"""
### csw_pipeline — the main job: ingest → dbt → checks → regional return

Loads every new file of the landing folder into `raw` (bad files are quarantined with a reason), builds
the dbt project through Cosmos (on DuckDB one `dbt build` task; on Postgres one task per model, each a
`dbt build` of that model with its tests; either way the `marts.fct_indicator_values` Asset is marked
updated when the build succeeds), runs the Great Expectations checks (results in `dq`), and — only when no blocking check failed —
writes the regional return for the last complete financial quarter on the as-of date.

Params: `landing` (default `CSW_LANDING`), `as_of` (default: the run's logical date), `out` (default
`CSW_OUTPUT`), `period` (default: last complete quarter). On the DuckDB target only one task runs at a
time (DuckDB allows one writing process per file).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import dag, get_current_context, task

from csw.assets import MARTS
from foundation.settings import PROJECT_ROOT, get_settings
from csw.transform import TARGET, transform_step

AS_OF = "{{ params.as_of or ds }}"


def _run_args() -> tuple:
    """(landing folder, as-of date, settings) of the running task, from params and the logical date."""
    from datetime import date

    context = get_current_context()
    params = context["params"]
    as_of = date.fromisoformat(params.get("as_of") or context["ds"])
    landing = Path(params.get("landing") or os.environ.get("CSW_LANDING", PROJECT_ROOT / "demo" / "landing"))
    return landing, as_of, get_settings()


@dag(
    dag_id="csw_pipeline",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1 if TARGET == "duckdb" else 8,
    tags=["csw", "pipeline", "regional_return"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
    params={"landing": None, "as_of": None, "out": None, "period": None},
    doc_md=__doc__,
)
def csw_pipeline():
    @task(retries=0)
    def ingest() -> dict:
        """Load new landing files; a bad file is quarantined and does not fail the task."""
        from csw.cli import print_load_report
        from csw.pipeline import ingest as ingest_landing

        landing, as_of, settings = _run_args()
        print(settings.secret_line())
        report = ingest_landing(landing, as_of=as_of, settings=settings, progress=print)
        print_load_report(report)
        return {"loaded": report.count("loaded"), "quarantined": report.count("quarantined")}

    transform = transform_step(AS_OF, outlets=[MARTS])

    @task(retries=0)
    def check() -> dict:
        """Great Expectations on raw tables and marts; fails (stopping the export) on a blocking failure."""
        from airflow.exceptions import AirflowFailException

        from csw.cli import print_check_run
        from csw.pipeline import check as run_checks

        _, as_of, settings = _run_args()
        run = run_checks(as_of=as_of, settings=settings)
        print_check_run(run)
        if run.status != "PASSED":
            from csw.alerts import alert_blocking

            print(alert_blocking(run.run_id, settings=settings).reason)  # email the team before failing the run
            names = ", ".join(f.check_name for f in run.failures if f.severity == "blocking")
            raise AirflowFailException(f"{run.blocking_failures} blocking check(s) failed: {names}")
        return {"run_id": run.run_id, "checks_run": run.checks_run, "warnings": run.warnings}

    @task
    def export() -> list[str]:
        """Write the regional return for the last complete quarter (atomic; a re-run replaces it)."""
        from csw.pipeline import export_regional
        from foundation.periods import last_complete_quarter

        _, as_of, settings = _run_args()
        params = get_current_context()["params"]
        out = Path(params.get("out") or settings.output_dir)
        files = export_regional(params.get("period") or last_complete_quarter(as_of).label, out, settings=settings, progress=print)
        return [str(p) for p in files.paths]

    ingest() >> transform >> check() >> export()


csw_pipeline()
