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
2. `quality_gate` runs every data-quality check; a blocking failure fails the run and emails the
   performance team (`CSW_ALERT_TO`) — nothing is written.
3. `write_return` writes `<out>/regional/<la_code>/<period>/` (xlsx, csv, manifest.json) to a temporary
   folder and swaps it in by rename — only if nothing was loaded or built since the gate's check run
   (foundation/state.py; otherwise it refuses and alerts the team): a re-run replaces the quarter's files, a
   failed run leaves them as they were. It updates the Asset `csw.assets.REGIONAL_RETURN`.
4. `deliver` emails the three files to the alliance (`CSW_ALLIANCE_TO`; empty = outbox only).

Params: `period`, `out` (default `CSW_OUTPUT`). Small numbers are suppressed (`c`) unless
`CSW_SUPPRESSION=off` with `CSW_SUPPRESSION_OFF_REASON` (printed on the cover sheet); off without a reason
refuses the quarter and alerts the team.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import PokeReturnValue, dag, get_current_context, task

from csw.assets import MARTS, REGIONAL_RETURN
from exports.regional.schedule import QuarterlyReturnTimetable


def _quarter_args() -> tuple:
    """(period label, output folder, settings) of the running task: param `period`, else the data interval."""
    from pathlib import Path

    from foundation.settings import get_settings
    from exports.regional.schedule import QuarterlyReturnTimetable
    from foundation.periods import Quarter

    context = get_current_context()
    params, settings = context["params"], get_settings()
    period = params.get("period")
    if not period:
        start = context.get("data_interval_start")
        period = Quarter.containing(start.date()).label if start is not None else (
            QuarterlyReturnTimetable().latest_due(context["dag_run"].run_after).label
        )
    return period, Path(params.get("out") or settings.output_dir), settings


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
    @task.sensor(poke_interval=timedelta(minutes=30), timeout=timedelta(days=2), mode="reschedule", inlets=[MARTS])
    def marts_ready() -> PokeReturnValue:
        """Done when the marts hold the quarter; otherwise says what is missing and pokes again later."""
        from exports.regional.job import marts_missing_reason

        period, _, settings = _quarter_args()
        reason = marts_missing_reason(settings, period)
        print(f"marts ready for {period}" if reason is None else f"waiting: {reason}")
        return PokeReturnValue(is_done=reason is None, xcom_value=period)

    @task(retries=0)
    def quality_gate() -> str:
        """Every data-quality check; a blocking failure alerts the performance team and fails the run."""
        from airflow.exceptions import AirflowFailException

        from exports.regional.job import ReturnBlocked, gate

        period, _, settings = _quarter_args()
        try:
            return gate(settings, period)
        except ReturnBlocked as exc:
            raise AirflowFailException(str(exc)) from None

    @task(retries=0, outlets=[REGIONAL_RETURN])
    def write_return() -> list[str]:
        """The quarter's three files, swapped into the outbox in one rename."""
        from airflow.exceptions import AirflowFailException

        from exports.regional.job import ReturnBlocked, write

        period, out, settings = _quarter_args()
        try:
            files = write(settings, period, out)
        except ReturnBlocked as exc:
            raise AirflowFailException(str(exc)) from None
        return [str(p) for p in files.paths]

    @task
    def deliver(paths: list[str]) -> bool:
        """Email the outbox files to the alliance (`CSW_ALLIANCE_TO`), when configured."""
        from pathlib import Path

        from exports.regional.job import deliver as send_return

        period, _, settings = _quarter_args()
        return send_return(settings, period, [Path(p) for p in paths])

    written = write_return()
    marts_ready() >> quality_gate() >> written  # nothing is written before the gate passed
    deliver(written)


export__regional_return()
