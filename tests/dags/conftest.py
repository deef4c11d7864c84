"""Airflow runs in subprocesses with their own AIRFLOW_HOME (SQLite metadata) under a temp dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def airflow_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(base / "airflow"),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        # the Postgres DAG runs `dbt parse` while it is parsed if its manifest is missing or stale: give it the time
        # docker-compose.yml gives it
        AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT="180",
        AIRFLOW__COSMOS__ENABLE_TELEMETRY="False",
        AIRFLOW__COSMOS__CACHE_DIR=str(base / "cosmos-cache"),  # per test session: xdist workers never share it
        DO_NOT_TRACK="1",
        SCARF_ANALYTICS="false",
        CSW_WAREHOUSE=str(base / "warehouse" / "csw.duckdb"),
        CSW_QUARANTINE=str(base / "quarantine"),
        CSW_OUTPUT=str(base / "output"),
        CSW_LANDING=str(base / "landing"),
        CSW_LA_CODE="841",
        PYTHONPATH=str(ROOT),
        PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    )
    for key in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):  # Cosmos runs dbt in its own copy of the project
        env.pop(key, None)
    env.pop("CSW_TRANSFORM_TASKS", None)  # the DAGs' default shape, whatever the shell says; a test asks for another
    return env


def run(cmd: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def migrated_airflow_env(base: Path) -> dict[str, str]:
    """`airflow_env(base)` with its SQLite metadata database migrated."""
    env = airflow_env(base)
    migrated = run([str(BIN / "airflow"), "db", "migrate"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> dict[str, str]:
    """One Airflow home per test session. Its metadata outlives each run: a test that reads asset events or task
    instances of a DAG another test also runs takes its own home (migrated_airflow_env)."""
    return migrated_airflow_env(tmp_path_factory.mktemp("dag"))


@dataclass
class PipelineDagRun:
    """One `airflow dags test csw_pipeline` on generated data: its environment (warehouse, output, landing,
    Airflow home) and what it printed."""
    env: dict[str, str]
    log: str
    returncode: int


def run_pipeline_dag(base: Path) -> PipelineDagRun:
    """Generated data (scale 0.3, seed 3, with the other North East authorities' returns for the benchmarks feed),
    a migrated Airflow home and one `airflow dags test csw_pipeline` as of 2025-03-31, dbt's unit tests skipped
    (the `pipeline` run has them; this run is about the DAG's wiring)."""
    from tests.conftest import WITHOUT_DBT_UNIT_TESTS

    env = {**airflow_env(base), **WITHOUT_DBT_UNIT_TESTS}
    landing = Path(env["CSW_LANDING"])
    generated = run([sys.executable, "-m", "csw.cli", "generate", "--out", str(landing), "--scale", "0.3",
                     "--seed", "3", "--benchmarks"], env)
    assert generated.returncode == 0, generated.stderr
    migrated = run([str(BIN / "airflow"), "db", "migrate"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    conf = json.dumps({"landing": str(landing), "as_of": "2025-03-31"})
    result = run([str(BIN / "airflow"), "dags", "test", "csw_pipeline", "2025-03-31", "--conf", conf], env,
                 timeout=1200)
    return PipelineDagRun(env, result.stdout + result.stderr, result.returncode)
