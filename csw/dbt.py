"""Running the dbt project in-process (the CLI); Airflow runs the same project through Cosmos."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date

from foundation.settings import DBT_PROJECT_DIR, Settings, disable_telemetry


@dataclass
class BuildResult:
    success: bool
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"model:success": 30, "test:pass": 50}
    failures: list[str] = field(default_factory=list)


def dbt_env(settings: Settings) -> dict[str, str]:
    """Environment the profile reads (profiles.yml holds only env_var() calls)."""
    env = {"CSW_WAREHOUSE": str(settings.warehouse), "CSW_TARGET": settings.target}
    if settings.target == "postgres":
        env.update({"CSW_PG_HOST": settings.pg_host, "CSW_PG_PORT": str(settings.pg_port),
                    "CSW_PG_USER": settings.pg_user, "CSW_PG_PASSWORD": settings.pg_password,
                    "CSW_PG_DATABASE": settings.pg_database})
    return env


def dbt_vars(settings: Settings, as_of: date) -> dict[str, str]:
    return {"as_of": as_of.isoformat(), "la_code": settings.la_code}


def run_dbt(command: str, settings: Settings, as_of: date, extra_args: list[str] | None = None) -> BuildResult:
    """Invoke `dbt <command>` on the project; returns counts by resource type and status."""
    disable_telemetry()
    os.environ.update(dbt_env(settings))
    from dbt.cli.main import dbtRunner  # heavy import, only when dbt runs

    args = [
        command,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target", settings.target,
        "--vars", json.dumps(dbt_vars(settings, as_of)),
        *(extra_args or []),
    ]
    result = dbtRunner().invoke(args)
    out = BuildResult(success=bool(result.success))
    for node_result in (getattr(result.result, "results", None) or []):
        kind = node_result.node.resource_type
        status = str(node_result.status)
        out.counts[f"{kind}:{status}"] = out.counts.get(f"{kind}:{status}", 0) + 1
        if status in ("error", "fail"):
            out.failures.append(f"{kind} {node_result.node.name}: {node_result.message}")
    if result.exception is not None:
        out.failures.append(str(result.exception))
    return out
