"""
### export__regional_return — the quarterly regional return, on the 10th working day after each quarter

Schedule: `QuarterlyReturnTimetable` (exports/regional/schedule.py): one run per financial quarter, whose
data interval is the quarter (logical date = its first day, UTC) and which starts on the 10th working day
after the quarter ends (England and Wales bank holidays from the `holidays` library, as the indicators'
calendar). `airflow dags test export__regional_return 2025-01-01` runs 2024-25Q4; `airflow backfill create
--dag-id export__regional_return --from-date 2024-04-01 --to-date 2025-01-01` re-runs the four quarters of
2024-25. Param `period` (e.g. `2024-25Q4`) overrides the quarter of a manual run.

1. `marts_ready` waits (a rescheduling sensor, up to two days) until the marts (`marts.fct_indicator_values`,
   Asset `csw.assets.MARTS`, built by the transform) hold this quarter's values for our authority — they
   do once a build has run with an as-of on or after the quarter's end.
2. `quality_gate` runs every data-quality check (as of the newest case_system extract date); a blocking
   failure fails the run and emails the performance team (`CSW_ALERT_TO`, the one blocking alert,
   `expectations.alerts.alert_blocked`) — nothing is written.
3. `write_return` writes `<out>/regional/<la_code>/<period>/` (xlsx, csv, manifest.json) for every authority in
   the marts (a hub's warehouse holds several: one return each, docs/regional-hub.md) to a temporary
   folder and swaps it in by rename — only if nothing was loaded or built since the gate's check run
   (foundation/state.py; otherwise it refuses and alerts the team): a re-run replaces the quarter's files, a
   failed run leaves them as they were. It updates the Asset `csw.assets.REGIONAL_RETURN`.
4. `deliver` emails each authority's three files to the alliance (`CSW_ALLIANCE_TO`; empty = outbox only).
   The gate is the warehouse's: one blocking failure, whichever authority's rows it is in, holds every return.
5. `write_scorecard` writes the quarter's pages after the return (`<out>/scorecard/<period>/`: the scorecard,
   a page per indicator, the corporate parenting panel report, the data-quality page, A4 PDFs when Chromium
   is installed; and `<period>-sharing/` with small numbers withheld) and emails the performance team
   (`CSW_ALERT_TO`) where they are, with the panel PDF (docs/scorecard.md).

The tasks are csw/tasks.py's (the demo `csw_pipeline` chains the same four after its build). Params:
`period`, `out` (default `CSW_OUTPUT`). Small numbers are suppressed (`c`) unless
`CSW_SUPPRESSION=off` with `CSW_SUPPRESSION_OFF_REASON` (printed on the cover sheet); off without a reason
refuses the quarter and alerts the team.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag

from csw.tasks import deliver_task, marts_ready_task, quality_gate_task, write_return_task, write_scorecard_task
from exports.regional.schedule import QuarterlyReturnTimetable


@dag(
    dag_id="export__regional_return",
    schedule=QuarterlyReturnTimetable(),
    start_date=pendulum.datetime(2019, 4, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,  # DuckDB: one writer at a time
    tags=["csw", "export", "regional_return"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "performance-team"},
    params={"period": None, "out": None},
    doc_md=__doc__,
)
def export__regional_return():
    written = write_return_task()
    marts_ready_task() >> quality_gate_task() >> written  # nothing is written before the gate passed
    deliver_task(written)
    written >> write_scorecard_task()  # the pages of a quarter whose return passed the gate


export__regional_return()
