"""
### export__ssda903, export__cin_census — the DfE's yearly statutory returns, checked by the DfE's published rules

Schedule: once a year, 06:00 (London) on 15 April — after the collection year (1 April to 31 March) has ended
and the first weeks of April have brought its last extracts into the warehouse. A run's collection year is the
one that ended before its date (the 15 April 2025 run writes 2024-25); param `year` (e.g. `2023-24`) overrides
it, to re-run or resubmit a year by a manual trigger: `airflow dags trigger export__ssda903 --conf '{"year":
"2024-25"}'`. The DfE's collections open in April; the files wait in the outbox for the authority to upload.

1. `export` writes the year's return into `<out>/<return>/<la_code>/<year>/` — the SSDA903 CSV set
   (exports/statutory/ssda903/) or the CIN census XML (exports/statutory/cin/) — with its manifest.json
   (SHA-256 and rows of every file), in a temporary folder swapped in by rename: a re-run replaces the year, a
   failed run leaves the previous files. It refuses (the run fails with the reason) while the warehouse's newest
   case_system extract is dated before the year's end.
2. `validation_input` finds the files just written; `dfe_validator` (ExternalPythonOperator) runs Data to
   Insight's published validator for the year in its own venv (`make validators-venv`; CSW_VALIDATORS_PYTHON):
   they pin pandas 1.5 / numpy < 2, so they never run in Airflow's environment.
3. `store_dfe_findings` stores the findings in `dq.dfe_findings` / `dq.dfe_runs` (a re-run of the same files
   replaces them) and writes the error report by recording team, `<return>_<year>_error_report.xlsx`, into the
   same outbox folder, entered in its manifest.json (`dfe_validation`: SHA-256, errors, queries).

Findings do not stop the return: real returns always carry some; the report says what each team must fix
before the authority submits. Params: `year`, `out` (default `CSW_OUTPUT`). The same steps as
`csw export ssda903|cin --year Y` then `csw validate ssda903|cin --year Y` (docs/statutory/).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag

from csw.tasks import dfe_validator_task, statutory_export_task, store_dfe_findings_task, validation_input_task

AFTER_THE_YEAR = "0 6 15 4 *"  # 15 April, 06:00 London: the collection year ended on 31 March


def statutory_return_dag(dag_id: str, return_name: str):
    @dag(
        dag_id=dag_id,
        schedule=AFTER_THE_YEAR,
        start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
        catchup=False,
        max_active_runs=1,
        max_active_tasks=1,  # DuckDB: one writer at a time
        tags=["csw", "export", "statutory", return_name],
        default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "performance-team"},
        params={
            "year": Param(None, type=["null", "string"], pattern=r"^\d{4}-\d{2}$",
                          description="collection year, e.g. 2024-25; default: the one that ended before the run"),
            "out": Param(None, type=["null", "string"], description="outbox folder; default CSW_OUTPUT"),
        },
        doc_md=__doc__,
    )
    def statutory_return():
        request = validation_input_task(statutory_export_task(return_name))
        dfe_validator_task(request) >> store_dfe_findings_task(request)

    return statutory_return()


export__ssda903 = statutory_return_dag("export__ssda903", "ssda903")
export__cin_census = statutory_return_dag("export__cin_census", "cin")
