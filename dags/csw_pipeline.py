"""
### csw_pipeline — the demo: the product's tasks chained in one run (`make run`)

No task of its own: it chains the tasks the product DAGs run (csw/tasks.py), so the demo goes down the same
path as production —

1. `load__<feed>`, one per feed: the `ingest__<feed>` load task over every new file of the feed (not only
   the run's date: the demo landing holds years of extracts); bad files are quarantined with a reason, and
   each raw table that got a batch gets its Asset event;
2. `transform`: the `transform__warehouse` dbt build through Cosmos (marks `marts.fct_indicator_values`);
3. `marts_ready` → `quality_gate` → `write_return` → `deliver`: the `export__regional_return` tasks — every
   data-quality check (a blocking failure alerts the team and stops the run), then the one writer of the
   return, which refuses a gate older than the last load or build; then `write_scorecard`: the quarter's
   scorecard, panel report and data-quality page into the outbox (docs/scorecard.md).

Not scheduled: trigger it (`make run`, `airflow dags test csw_pipeline 2025-03-31 --conf '{...}'`).
Params: `landing` (default `CSW_LANDING`), `as_of` (default: the run's date), `out` (default `CSW_OUTPUT`),
`period` (default: the last complete quarter on the as-of date). One task at a time on DuckDB.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import chain, dag

from csw.dbt import MACROS
from csw.tasks import (deliver_task, load_feed_task, marts_ready_task, quality_gate_task, transform_task,
                       write_return_task, write_scorecard_task)
from csw.transform import TARGET
from ingest.contracts import FEEDS


@dag(
    dag_id="csw_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1 if TARGET == "duckdb" else 8,
    tags=["csw", "pipeline", "demo"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
    params={"landing": None, "as_of": None, "out": None, "period": None},
    user_defined_macros=MACROS,
    doc_md=__doc__,
)
def csw_pipeline():
    loads = [load_feed_task(feed, every_file=True) for feed in FEEDS]
    written = write_return_task()
    chain(*loads, transform_task(), marts_ready_task(), quality_gate_task(), written)
    deliver_task(written)
    written >> write_scorecard_task()


csw_pipeline()
