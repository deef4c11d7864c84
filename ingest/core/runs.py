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
from ingest.core.load import LoadReport, authority_candidates, feed_files, load_feed


def files_for_day(landing: Path, feed: str, day: date) -> list[Path]:
    """The landed files of `feed` that a run for `day` loads (dated that day, or undated), directly under `landing`
    and in each authority folder (`<landing>/<la_code>/<feed>/`); a feed folder that is a symbolic link is itself
    the one entry, for `load_feed_day` to quarantine unread."""
    folders = [landing] + [p for p in authority_candidates(landing) if p.is_dir() and not p.is_symlink()]
    return [path for folder in folders for path in feed_files(folder, feed, day)]


def load_feed_day(
    con: Connection, landing: Path, feed: str, day: date, settings: Settings,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load `files_for_day`, each in its own transaction (bad files quarantined, loaded ones skipped)."""
    return load_feed(con, landing, feed, settings, day=day, progress=progress)


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


def resolve_as_of(as_of: date | None, settings: Settings, *, run_date: date | None = None) -> date:
    """The as-of date of a build or a check, the one rule for the command line and the DAGs: `as_of` when given,
    else the run's date (an Airflow run's logical date, or the day it was triggered; the command line has
    none), else the newest case_system extract date; NoAsOfDate when there is none of them."""
    resolved = as_of or run_date or latest_extract_date(settings)
    if resolved is None:
        raise NoAsOfDate("no as-of date: pass --as-of YYYY-MM-DD or load a case_system extract first")
    return resolved
