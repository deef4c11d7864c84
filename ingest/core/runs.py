"""One feed's files for one day: what a run of a per-feed DAG (`ingest__<feed>`) loads.

A file whose name carries an extract date (`health_assessments_20250331.csv`) belongs to that day's run
only. A file without one (a case_system snapshot `ssd_<object>.csv`, reference and benchmark files) is
taken by every run of its feed: the SHA-256 dedupe makes that a no-op until the file's bytes change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from foundation.settings import Settings
from foundation.warehouse import Connection, connect, first_row, warehouse_exists
from ingest.core.load import LoadReport, ensure_raw_layer, extract_date_of, load_file, refuse_linked_folder
from ingest.core.read import landed_files


def files_for_day(landing: Path, feed: str, day: date) -> list[Path]:
    """The landed files of `feed` that a run for `day` loads (dated that day, or undated); a feed folder that
    is a symbolic link is itself the one entry, for `load_feed_day` to quarantine unread."""
    if (landing / feed).is_symlink():
        return [landing / feed]
    return [p for p in landed_files(landing / feed) if extract_date_of(p, as_of=day) == day]


def load_feed_day(
    con: Connection, landing: Path, feed: str, day: date, settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load `files_for_day`, each in its own transaction (bad files quarantined, loaded ones skipped)."""
    ensure_raw_layer(con)
    report = LoadReport()
    for path in files_for_day(landing, feed, day):
        if path == landing / feed:
            outcome = refuse_linked_folder(con, path, feed, settings)
        else:
            outcome = load_file(con, path, feed, settings, as_of=day, progress=progress)
        report.files.append(outcome)
        if progress:
            progress(outcome.line())
    return report


class NoAsOfDate(ValueError):
    """No as-of date was given and no case_system extract has been loaded to take one from."""


def latest_extract_date(settings: Settings) -> date | None:
    """The newest extract date of a loaded case_system file: the default as-of date of a build and a check."""
    if not warehouse_exists(settings):
        return None
    con = connect(settings, read_only=True)
    try:
        row = first_row(con, "select max(extract_date) from raw._loads where feed = 'case_system' and outcome = 'loaded'")
        return row[0] if row else None
    except Exception:  # no audit table yet
        return None
    finally:
        con.close()


def resolve_as_of(as_of: date | None, settings: Settings) -> date:
    """`as_of` when given, else the newest case_system extract date; NoAsOfDate when there is neither."""
    resolved = as_of or latest_extract_date(settings)
    if resolved is None:
        raise NoAsOfDate("no as-of date: pass --as-of YYYY-MM-DD or load a case_system extract first")
    return resolved
