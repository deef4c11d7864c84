"""
### ingest__&lt;feed&gt; — one thin DAG per feed: wait for the day's files, load them, mark the raw tables updated

One DAG per feed of the FEEDS registry (`ingest__case_system`, `ingest__health`, `ingest__education`,
`ingest__partners`, `ingest__workforce`, `ingest__reference`, `ingest__benchmarks`), all built here.

- `wait_for_files` senses `<landing>/<feed>/` (reschedule mode: no worker slot is held while waiting) for
  the files a run for its date loads: those whose name carries that extract date, plus undated files
  (case_system snapshots, reference, benchmarks). None by the end of the day: the run is skipped.
- `load` loads exactly those files (bad ones quarantined with a reason, as `csw ingest` does). Re-running
  a date is a no-op: a file whose SHA-256 was loaded before is skipped.
- Each raw table that received a batch gets an Asset event (`raw.<feed>__<table>`, through the feed's
  AssetAlias), so `transform__warehouse` rebuilds the marts only when something new was loaded.

On a server (`CSW_TARGET=postgres`) the load is split per authority, run in parallel on the workers:
- `authorities` lists the authority folders with files of the run's date (`<landing>/<la_code>/<feed>/`, or
  `CSW_LA_CODE`'s feed folders directly under the landing) and the folders the reference data does not know;
- `load` is mapped over that list (dynamic task mapping, one instance per authority, named by its code; at most
  `CSW_INGEST_CONCURRENCY` at once): each loads its authority's files only, quarantines its folder when refused,
  fails alone when its authority has no usable secret, and emits the Asset events of what it loaded.
On DuckDB (one writing process per file) the one `load` task loads every authority in turn: mapped instances
would queue for the file lock one after another and only add a task start-up each.

The tasks are csw/tasks.py's `wait_for_files_task(feed)`, `load_feed_task(feed)`, `feed_authorities_task(feed)`
and `load_authority_task(feed, authorities)` (the demo `csw_pipeline` runs the same load task over every file).
Params: `landing` (default `CSW_LANDING`). The date is the run's date: its logical date (`ds`), or the day it was
triggered when it has none.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag

from csw.tasks import feed_authorities_task, load_authority_task, load_feed_task, wait_for_files_task
from foundation.settings import get_settings
from ingest.contracts import FEEDS


def ingest_dag(feed: str):
    @dag(
        dag_id=f"ingest__{feed}",
        schedule="@daily",
        start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
        catchup=False,
        max_active_runs=1,  # one run of a feed at a time: a date's files load in date order
        tags=["csw", "ingest", feed],
        default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
        params={"landing": None},
        doc_md=__doc__,
    )
    def ingest_feed():
        if get_settings().target == "duckdb":
            wait_for_files_task(feed) >> load_feed_task(feed)
            return
        authorities = feed_authorities_task(feed)
        wait_for_files_task(feed) >> authorities
        load_authority_task(feed, authorities)

    return ingest_feed()


for _feed in FEEDS:
    globals()[f"ingest__{_feed}"] = ingest_dag(_feed)
