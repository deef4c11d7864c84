"""
### dq__daily_digest — the performance team's daily email of new data quality warnings

Every morning, reads the newest check run in `dq.check_results` and emails `CSW_ALERT_TO` the warnings
that are new: not acknowledged (`csw dq acknowledge`) and not alerted since the check last passed. Each
check is listed in plain words with its file, example keys and the path of the Data Docs; no new warnings,
no email. Blocking failures are emailed as they happen, by the return's quality gate
(`expectations.alerts.alert_blocked`).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="dq__daily_digest",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    tags=["csw", "data_quality", "alerts"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "performance-team"},
    doc_md=__doc__,
)
def dq__daily_digest():
    @task
    def send_digest() -> dict:
        """Email the new warnings of the newest check run (retried: the warehouse may be busy with a load)."""
        from expectations.alerts import send_daily_digest

        outcome = send_daily_digest()
        print(outcome.reason)
        return {"sent": outcome.sent, "reason": outcome.reason}

    send_digest()


dq__daily_digest()
