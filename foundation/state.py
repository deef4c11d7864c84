"""The warehouse state a check run checked, and whether it still holds when something is exported.

The state is the newest load (the highest `batch_id` of a `loaded` file in `raw._loads`) and
the newest build (the highest `build_id` in `dq.builds`, recorded by dbt's on-run-start hook before any model
changes, and its status, set by on-run-end). `csw check` stores the state it found when it started in
`dq.runs`; an export goes ahead only when the newest check run passed, checked a build that had finished, and
the warehouse is still in that state — otherwise it says what changed (a load, a build) and to run
`csw check`. Plain SQL: the same on DuckDB and Postgres.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

LOADS_TABLE = "raw._loads"
BUILDS_TABLE = "dq.builds"
# columns of dq.runs that hold the state a run checked (expectations.store adds them to older warehouses)
STATE_COLUMNS = (("state_batch_id", "bigint"), ("state_build_id", "bigint"), ("state_build_status", "varchar"))


@dataclass(frozen=True)
class Load:
    batch_id: int
    feed: str | None
    file_name: str | None
    loaded_at: datetime | None


@dataclass(frozen=True)
class Build:
    build_id: int
    command: str | None
    as_of: date | None
    started_at: datetime | None
    status: str | None  # started | success | error


@dataclass(frozen=True)
class WarehouseState:
    load: Load | None
    build: Build | None

    @property
    def batch_id(self) -> int | None:
        return self.load.batch_id if self.load else None

    @property
    def build_id(self) -> int | None:
        return self.build.build_id if self.build else None

    @property
    def build_status(self) -> str | None:
        return self.build.status if self.build else None


@dataclass(frozen=True)
class CheckedState:
    """What a dq.runs row says it checked (all None for a run recorded before states were)."""

    run_id: str
    started_at: datetime | None
    batch_id: int | None
    build_id: int | None
    build_status: str | None
    recorded: bool  # False: the row predates state recording (state_build_status is never null once recorded)


def _newest(con: Any, table: str, columns: str, key: str, where: str = "true") -> tuple | None:
    """The row of `table` (schema.name) with the highest `key` among those `where` holds; None if none or no table."""
    schema, name = table.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = $1 and table_name = $2", [schema, name]
    ).fetchall()[0][0]
    if not exists:
        return None
    rows = con.execute(  # constants of this module only: no text from outside reaches this SQL
        f"select {columns} from {table} where {where} and {key} = (select max({key}) from {table} where {where})"
    ).fetchall()  # one row: a batch id belongs to one file, a build id (a sequence) to one build
    return rows[0] if rows else None


def read_state(con: Any) -> WarehouseState:
    """The warehouse's current state (None parts when nothing was loaded or built yet)."""
    load = _newest(con, LOADS_TABLE, "batch_id, feed, file_name, loaded_at", "batch_id", "outcome = 'loaded'")
    build = _newest(con, BUILDS_TABLE, "build_id, command, as_of, started_at, status", "build_id")
    return WarehouseState(Load(*load) if load else None, Build(*build) if build else None)


def checked_state(con: Any, run_id: str, started_at: datetime | None) -> CheckedState:
    """The state run `run_id` of dq.runs recorded (not recorded: a warehouse from before state recording)."""
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'dq' and table_name = 'runs'"
    ).fetchall()}
    if not {name for name, _ in STATE_COLUMNS} <= columns:
        return CheckedState(run_id, started_at, None, None, None, recorded=False)
    names = ", ".join(name for name, _ in STATE_COLUMNS)
    batch_id, build_id, build_status = con.execute(
        f"select {names} from dq.runs where run_id = $1", [run_id]).fetchall()[0]
    return CheckedState(run_id, started_at, batch_id, build_id, build_status, recorded=build_status is not None)


_BUILD_OUTCOMES = {"started": "not finished (running, or killed)", "success": "finished", "error": "failed"}


def _at(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "an unknown time"


def stale_reason(checked: CheckedState, current: WarehouseState) -> str | None:
    """None when the export may use the checks of `checked`; otherwise the one-line reason it may not."""
    run = f"check run {checked.run_id} at {_at(checked.started_at)}"
    if not checked.recorded:
        return f"{run} did not record which loads and build it checked (it predates the export gate): run `csw check`"
    changes = []
    if current.batch_id != checked.batch_id and current.load is not None:
        changes.append(f"newest load {current.load.feed}/{current.load.file_name} (batch {current.load.batch_id}) "
                       f"at {_at(current.load.loaded_at)}")
    if current.build_id != checked.build_id and current.build is not None:
        changes.append(f"newest build {current.build.build_id} (dbt {current.build.command}, as of "
                       f"{current.build.as_of}) started at {_at(current.build.started_at)}, "
                       + _BUILD_OUTCOMES.get(current.build.status or "", str(current.build.status)))
    if changes or (current.batch_id, current.build_id) != (checked.batch_id, checked.build_id):
        what = "; ".join(changes) or "loads or builds recorded then are gone"
        return f"data changed since the last passed {run}: {what}; run `csw check`"
    if checked.build_id is not None and checked.build_status != "success":
        how = _BUILD_OUTCOMES.get(checked.build_status or "", str(checked.build_status))
        return f"{run} checked build {checked.build_id} while it was {how}: run `csw build`, then `csw check`"
    return None


def state_values(state: WarehouseState) -> tuple[int | None, int | None, str]:
    """The dq.runs state columns' values for `state` ("none": nothing built yet, which is a recorded state)."""
    return state.batch_id, state.build_id, state.build_status or "none"
