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

Params: `landing` (default `CSW_LANDING`). The date is the run's logical date (`ds`).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import AssetAlias, dag, get_current_context, task

from foundation.settings import PROJECT_ROOT
from ingest.contracts import FEEDS

WAIT_HOURS = 20  # a day's files arrive within this long of the day's start, or the run is skipped


def feed_alias(feed: str) -> AssetAlias:
    """The alias through which `ingest__<feed>` emits an event for each raw table it loaded."""
    return AssetAlias(name=f"raw.{feed}")


def _landing_and_day() -> tuple[Path, pendulum.Date]:
    context = get_current_context()
    landing = context["params"].get("landing") or os.environ.get("CSW_LANDING", PROJECT_ROOT / "demo" / "landing")
    # A run triggered without a logical date (Airflow 3 allows it) takes the day it was triggered.
    day = pendulum.parse(context["ds"]).date() if context.get("ds") else context["dag_run"].run_after.date()
    return Path(landing), day


def ingest_dag(feed: str):
    @dag(
        dag_id=f"ingest__{feed}",
        schedule="@daily",
        start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
        catchup=False,
        max_active_runs=1,  # DuckDB: one writer at a time
        tags=["csw", "ingest", feed],
        default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "owner": "performance-team"},
        params={"landing": None},
        doc_md=__doc__,
    )
    def ingest_feed():
        @task.sensor(mode="reschedule", poke_interval=600, timeout=WAIT_HOURS * 3600, soft_fail=True, retries=0)
        def wait_for_files() -> bool:
            """True once a file for this run's date (or an undated file) is in the feed's landing folder."""
            from ingest.core.runs import files_for_day

            landing, day = _landing_and_day()
            found = files_for_day(landing, feed, day)
            print(f"{len(found)} {feed} file(s) for {day} in {landing / feed}")
            return bool(found)

        @task(outlets=[feed_alias(feed)], retries=0)
        def load() -> dict:
            """Load the day's files; emit an Asset event for each raw table that received a batch."""
            from csw.assets import raw_asset
            from csw.cli import print_load_report
            from foundation.settings import get_settings
            from foundation.warehouse import connect
            from ingest.core.runs import load_feed_day

            landing, day = _landing_and_day()
            settings = get_settings()
            print(settings.secret_line())
            settings.pseudonymisation_secret  # noqa: B018 - a missing or public secret fails the task before any file moves
            con = connect(settings)
            try:
                report = load_feed_day(con, landing, feed, day, settings, progress=print)
            finally:
                con.close()
            print_load_report(report)
            rows: dict[str, int] = {}
            for f in report.files:
                if f.outcome == "loaded" and f.table:
                    rows[f.table] = rows.get(f.table, 0) + f.rows
            events = get_current_context()["outlet_events"][feed_alias(feed)]
            for table, count in rows.items():
                events.add(raw_asset(table), extra={"rows": count, "date": str(day)})
            return {"loaded": report.count("loaded"), "duplicate": report.count("duplicate"),
                    "quarantined": report.count("quarantined"), "tables": sorted(rows)}

        wait_for_files() >> load()

    return ingest_feed()


for _feed in FEEDS:
    globals()[f"ingest__{_feed}"] = ingest_dag(_feed)
