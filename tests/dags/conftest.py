"""Airflow runs in subprocesses with their own AIRFLOW_HOME (SQLite metadata) under a temp dir."""

from __future__ import annotations

import os
import subprocess
import sys
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
    return env


def run(cmd: list[str], env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("dag")
    env = airflow_env(base)
    migrated = run([str(BIN / "airflow"), "db", "migrate"], env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env
