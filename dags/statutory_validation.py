"""
### statutory_validation — the DfE's published validators on a statutory return (manual trigger)

Runs Data to Insight's validators (csc-validator-be-903, csc-validator-be-cin: the rules the DfE applies, as
authorities run them in the browser) on our SSDA903 CSVs or CIN census XML, in the validators' own venv
(`make validators-venv`, `.venv-validators`, pinned by deploy/validators-requirements.txt; CSW_VALIDATORS_PYTHON):
they pin pandas 1.5 / numpy < 2, so they never run in Airflow's environment.

1. `validation_input` checks the params and finds the files: `dir` (a folder of 903 CSVs, or the CIN XML or
   its folder), else the year's export in `$CSW_OUTPUT/<return>/<la_code>/<year>/`.
2. `dfe_validator` (ExternalPythonOperator, python = the validators' venv) runs the year's ruleset and writes
   the findings to a work folder.
3. `store_dfe_findings` stores them in `dq.dfe_findings` / `dq.dfe_runs` (a re-run of the same files replaces
   them) and writes the per-team error report `$CSW_OUTPUT/dfe_validation/<return>_<year>_error_report.xlsx`.

Params: `return` (ssda903 | cin), `year` (e.g. 2024-25), `dir` (optional). The same steps as
`csw validate`; docs/dfe-validators.md.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag

from csw.tasks import dfe_validator_task, store_dfe_findings_task, validation_input_task


@dag(
    dag_id="statutory_validation",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,  # DuckDB: one writer at a time
    tags=["csw", "statutory", "data_quality"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "performance-team"},
    params={
        "return": Param("ssda903", enum=["ssda903", "cin"], description="which return to validate"),
        "year": Param("2024-25", type="string", pattern=r"^\d{4}-\d{2}$", description="collection year"),
        "dir": Param(None, type=["null", "string"], description="files to validate; default: the year's export"),
    },
    doc_md=__doc__,
)
def statutory_validation():
    request = validation_input_task()
    dfe_validator_task(request) >> store_dfe_findings_task(request)


statutory_validation()
