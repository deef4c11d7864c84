"""
### transform__warehouse — rebuild the marts when any raw table was loaded

Scheduled on the Assets of every raw table (`raw.<feed>__<table>`, any of them): an `ingest__<feed>` run
that loaded something triggers it. One task, `transform` (csw/tasks.py: the Cosmos dbt step, one `dbt build`
task, with dbt's threads on Postgres; or a task per model on Postgres with CSW_TRANSFORM_TASKS=model), which marks
`marts.fct_indicator_values` updated on success; that Asset is what `export__regional_return` waits for. The build
is incremental when it can be: only what depends on the raw tables loaded since the last complete build
(csw/refresh.py; the log's first line says which and why; docs/regional-hub.md, "Incremental refresh"). Built a
task per model, the group's `plan` task plans it, a model's task skips itself when the plan leaves its model as it
is, and `record` records the build and marks the marts updated.

Params: `as_of` (default: the run's date — the day an Asset-triggered run was triggered; only periods complete
by then are produced). The rule is `csw.dbt.run_as_of`, the same as the command line's `--as-of` default
except that `csw build` has no run date and takes the newest case_system extract date.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import AssetAny, dag

from csw.assets import raw_asset
from csw.dbt import MACROS
from csw.tasks import transform_task
from csw.transform import MAX_ACTIVE_TASKS
from ingest.contracts import all_tables


@dag(
    dag_id="transform__warehouse",
    schedule=AssetAny(*(raw_asset(t.raw_table) for t in all_tables())),
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=MAX_ACTIVE_TASKS,  # its model tasks at once (CSW_TRANSFORM_TASKS=model), else its one build
    tags=["csw", "transform"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
    params={"as_of": None},
    user_defined_macros=MACROS,
    doc_md=__doc__,
)
def transform__warehouse():
    transform_task()


transform__warehouse()
