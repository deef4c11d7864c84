"""One feed's files for one day: what a run of a per-feed DAG (`ingest__<feed>`) loads.

A file whose name carries an extract date (`health_assessments_20250331.csv`) belongs to that day's run
only. A file without one (a case_system snapshot `ssd_<object>.csv`, reference and benchmark files) is
taken by every run of its feed: the SHA-256 dedupe makes that a no-op until the file's bytes change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from foundation.settings import Settings
from ingest.core.load import LoadReport, ensure_raw_layer, extract_date_of, load_file
from ingest.core.read import landed_files


def files_for_day(landing: Path, feed: str, day: date) -> list[Path]:
    """The landed files of `feed` that a run for `day` loads (dated that day, or undated)."""
    return [p for p in landed_files(landing / feed) if extract_date_of(p, as_of=day) == day]


def load_feed_day(
    con: duckdb.DuckDBPyConnection, landing: Path, feed: str, day: date, settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load `files_for_day`, each in its own transaction (bad files quarantined, loaded ones skipped)."""
    ensure_raw_layer(con)
    report = LoadReport()
    for path in files_for_day(landing, feed, day):
        outcome = load_file(con, path, feed, settings, as_of=day, progress=progress)
        report.files.append(outcome)
        if progress:
            progress(outcome.line())
    return report
