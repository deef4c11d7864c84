"""
### export__annex_a — Ofsted's Annex A workbook, on demand when an inspection is announced

Manual only (no schedule): Ofsted asks for Annex A when it announces an inspection. Trigger it with the date of
the inspection (param `as_of`, required, YYYY-MM-DD), from the UI's "Trigger DAG" form or
`airflow dags trigger export__annex_a --conf '{"as_of": "2025-03-31"}'`.

1. `export` writes lists 1–11 for the period Ofsted's guidance sets before `as_of`, with Ofsted's column
   headings (exports/statutory/annex_a/), into `<out>/annex_a/<la_code>/<as_of>/`: the workbook and its
   manifest.json (SHA-256 of the workbook, rows per list), in a temporary folder swapped in by rename — a re-run
   for the same date replaces it, a failed run leaves the previous one. Columns the SSD has no source for are
   empty and named on the workbook's Notes sheet.

Params: `as_of`, `out` (default `CSW_OUTPUT`). The same as `csw export annex-a --as-of DATE`
(docs/statutory/annex_a.md).
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag

from csw.tasks import annex_a_export_task


@dag(
    dag_id="export__annex_a",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="Europe/London"),
    catchup=False,
    max_active_runs=1,
    tags=["csw", "export", "statutory", "annex_a"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "owner": "performance-team"},
    params={
        "as_of": Param(type="string", format="date", description="the date of inspection (YYYY-MM-DD)"),
        "out": Param(None, type=["null", "string"], description="outbox folder; default CSW_OUTPUT"),
    },
    doc_md=__doc__,
)
def export__annex_a():
    annex_a_export_task()


export__annex_a()
