"""
### transform__warehouse — rebuild the marts when any raw table was loaded

Scheduled on the Assets of every raw table (`raw.<feed>__<table>`, any of them): an `ingest__<feed>` run
that loaded something triggers it. Runs the same Cosmos dbt step as `csw_pipeline` (one `dbt build` task
on DuckDB, a task per model on Postgres) and marks `marts.fct_indicator_values` updated on success.

Params: `as_of` (default: the date the run was triggered; only periods complete by then are produced).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import AssetAny, dag

from csw.assets import MARTS, raw_asset
from csw.transform import TARGET, transform_step
from ingest.contracts import all_tables

# An asset-triggered run has no logical date: the as-of date is the day it was triggered.
AS_OF = "{{ params.as_of or (dag_run.run_after | ds) }}"


@dag(
    dag_id="transform__warehouse",
    schedule=AssetAny(*(raw_asset(t.raw_table) for t in all_tables())),
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1 if TARGET == "duckdb" else 8,
    tags=["csw", "transform"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
    params={"as_of": None},
    doc_md=__doc__,
)
def transform__warehouse():
    transform_step(AS_OF, outlets=[MARTS])


transform__warehouse()
