"""Running the dbt project in-process (the CLI); Airflow runs the same project through Cosmos (csw/transform.py).

Both take their dbt vars from `dbt_vars`, their environment from `dbt_env` and their as-of date from
`ingest.core.runs.resolve_as_of`: the given as-of, else the run's date (Airflow only), else the newest case_system
extract date. In Airflow the as-of is rendered when a task runs, by the template `AS_OF`, which calls `run_as_of`
(a DAG macro, `MACROS`).

The as-of reaches dbt as the environment variable CSW_AS_OF (dbt macro `as_of_date`), not a dbt var: dbt
re-parses the whole project (4.5-4.8 s) when any var differs from its last parse, and the as-of moves every day;
a changed environment variable re-parses only the files that read it (about 1.2 s; docs/performance.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from foundation.settings import DBT_PROJECT_DIR, Settings, disable_telemetry, get_settings

# The as-of date of an Airflow run, as a template for templated fields (the CSW_AS_OF of Cosmos's `env`): a DAG
# that renders it passes `user_defined_macros=MACROS`.
AS_OF = "{{ run_as_of(params, dag_run) }}"
# The environment variable through which a build names the authorities whose rows it replaces (csw/refresh.py,
# `BuildPlan.dbt_env`; read by dbt_project/macros/materializations/authority_rows.sql, `build_authorities`).
BUILD_AUTHORITIES = "CSW_BUILD_AUTHORITIES"


@dataclass
class BuildResult:
    success: bool
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"model:success": 30, "test:pass": 50}
    failures: list[str] = field(default_factory=list)


def dbt_env(settings: Settings, as_of: date | str | None) -> dict[str, str]:
    """Environment a dbt call reads: the profile's (profiles.yml holds only env_var() calls) and the as-of date,
    CSW_AS_OF (a date, from the command line, or the template `AS_OF`, for Cosmos; None: none, for a command that
    runs no model's SQL)."""
    # no authorities named: a build replaces every row (an incremental plan names them, `BuildPlan.dbt_env`)
    env = {"CSW_WAREHOUSE": str(settings.warehouse), "CSW_TARGET": settings.target,
           "CSW_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit, BUILD_AUTHORITIES: ""}
    if as_of is not None:
        env["CSW_AS_OF"] = as_of if isinstance(as_of, str) else as_of.isoformat()
    if settings.target == "postgres":
        env.update({"CSW_PG_HOST": settings.pg_host, "CSW_PG_PORT": str(settings.pg_port),
                    "CSW_PG_USER": settings.pg_user, "CSW_PG_PASSWORD": settings.pg_password,
                    "CSW_PG_DATABASE": settings.pg_database})
    return env


def run_date(dag_run: Any) -> date:
    """The date of an Airflow run: its logical date (UTC, as `ds`), or the day it was triggered when it has none
    (an Asset-triggered run)."""
    moment: datetime = dag_run.logical_date or dag_run.run_after
    return moment.astimezone(timezone.utc).date() if moment.tzinfo else moment.date()


def run_as_of(params: Mapping[str, Any], dag_run: Any, settings: Settings | None = None) -> date:
    """The as-of date of an Airflow run: param `as_of`, else the run's date (`resolve_as_of`)."""
    from ingest.core.runs import resolve_as_of  # the loader's imports stay out of DAG parsing
    given = params.get("as_of")
    given = date.fromisoformat(str(given)) if given else None
    return resolve_as_of(given, settings or get_settings(), run_date=run_date(dag_run))


MACROS = {"run_as_of": run_as_of}


def dbt_vars(settings: Settings) -> dict[str, str]:
    """The dbt vars of every dbt call: the same from one day to the next (the as-of is in `dbt_env`)."""
    return {"la_code": settings.la_code}


@contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """`values` in os.environ (None: unset) while the block runs, and what was there before put back after: a later
    dbt call in the same process never reads an earlier one's as-of."""
    before = {name: os.environ.get(name) for name in values}
    try:
        _put(values)
        yield
    finally:
        _put(before)


def _put(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def run_dbt(command: str, settings: Settings, as_of: date | None, extra_args: list[str] | None = None,
            env: Mapping[str, str] | None = None) -> BuildResult:
    """Invoke `dbt <command>` on the project as of `as_of` (None: a command that runs no model's SQL, such as a
    `run-operation` that reads no date), with `env` over `dbt_env`'s; returns counts by resource type and status."""
    disable_telemetry()
    from dbt.cli.main import dbtRunner  # heavy import, only when dbt runs

    args = [
        command,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target", settings.target,
        "--vars", json.dumps(dbt_vars(settings)),
        *(extra_args or []),
    ]
    with _environment({"CSW_AS_OF": None, **dbt_env(settings, as_of), **(env or {})}):
        result = dbtRunner().invoke(args)
    out = BuildResult(success=bool(result.success))
    for node_result in (getattr(result.result, "results", None) or []):
        if getattr(node_result, "node", None) is None:  # run-operation: one result, no node
            continue
        kind = node_result.node.resource_type
        status = str(node_result.status)
        out.counts[f"{kind}:{status}"] = out.counts.get(f"{kind}:{status}", 0) + 1
        if status in ("error", "fail"):
            out.failures.append(f"{kind} {node_result.node.name}: {node_result.message}")
    if result.exception is not None:
        out.failures.append(str(result.exception))
    return out
