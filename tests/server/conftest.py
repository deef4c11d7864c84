"""A real PostgreSQL for the server tests: one throwaway cluster per session (tests/server/pg_cluster.py).

Fixtures:
- `pg_cluster`: the running cluster (skipped, with the reason, only when the server binaries are absent;
  CI installs them through .ci/system-packages.sh, so there they always run).
- `pg_database(name)`: a factory for a fresh database with deploy/postgres/roles.sql applied.
- `pg_settings`: csw settings for a fresh Postgres warehouse (as `etl`) plus tmp quarantine and output.
- `demo_runs`: one small demo (`csw generate --scale 0.2`) run end to end (`csw run`) on DuckDB and on
  Postgres, shared by the parity and role tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.server.pg_cluster import Cluster, find_bin_dir

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "deploy" / "postgres" / "roles.sql"
AS_OF = "2025-03-31"
SCALE = "0.2"
ETL_PASSWORD = "etl-test-password"
BI_READER_PASSWORD = "bi-reader-test-password"


@pytest.fixture(scope="session")
def pg_cluster():
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql "
                    "(.ci/system-packages.sh) or set CSW_PG_BIN")
    cluster = Cluster.start(bin_dir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_database(pg_cluster):
    """`make(prefix)` creates a fresh database, applies roles.sql to it and returns its name."""

    def make(prefix: str = "csw") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        pg_cluster.psql("-c", f'create database "{name}"')
        pg_cluster.psql("-v", f"etl_password={ETL_PASSWORD}", "-v", f"bi_reader_password={BI_READER_PASSWORD}",
                        "-f", str(ROLES_SQL), database=name)
        return name

    return make


@pytest.fixture
def pg_settings(pg_cluster, pg_database, tmp_path, monkeypatch):
    """Settings for a fresh Postgres warehouse, connecting as etl; quarantine and output under tmp_path."""
    from foundation.settings import get_settings

    for key, value in pg_cluster.env(pg_database(), "etl", ETL_PASSWORD).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CSW_WAREHOUSE", str(tmp_path / "unused.duckdb"))
    monkeypatch.setenv("CSW_QUARANTINE", str(tmp_path / "quarantine"))
    monkeypatch.setenv("CSW_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("CSW_LA_CODE", "841")
    return get_settings()


def connect_postgres_as(env: dict[str, str], user: str | None = None, password: str | None = None):
    """A csw warehouse connection to the Postgres of `env` (its CSW_PG_* keys), as `user` if given."""
    from dataclasses import replace

    from foundation.settings import get_settings
    from foundation.warehouse import connect_postgres

    settings = replace(get_settings(), target="postgres", pg_host=env["CSW_PG_HOST"], pg_port=int(env["CSW_PG_PORT"]),
                       pg_user=user or env["CSW_PG_USER"],
                       pg_password=env["CSW_PG_PASSWORD"] if password is None else password,
                       pg_database=env["CSW_PG_DATABASE"])
    return connect_postgres(settings, read_only=True)


@dataclass
class EngineRun:
    env: dict[str, str]
    landing: Path
    output: Path
    stdout: str


@dataclass
class DemoRuns:
    duckdb: EngineRun
    postgres: EngineRun
    database: str


def _env(base: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSW_")}
    env.update(CSW_WAREHOUSE=str(base / "warehouse" / "csw.duckdb"), CSW_QUARANTINE=str(base / "quarantine"),
               CSW_OUTPUT=str(base / "output"), CSW_LA_CODE="841", PYTHONPATH=str(ROOT), DO_NOT_TRACK="1",
               CSW_PSEUDONYMISATION_SECRET=os.environ["CSW_PSEUDONYMISATION_SECRET"])  # the tests' own (tests/conftest.py)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def run_csw(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "csw.cli", *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=900)
    if result.returncode != 0:
        raise AssertionError(f"csw {' '.join(args)} ({env.get('CSW_TARGET', 'duckdb')}) exited {result.returncode}:\n"
                             f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def _run_on(base: Path, demo: Path, extra: dict[str, str]) -> EngineRun:
    landing = base / "landing"
    shutil.copytree(demo, landing)  # each engine gets its own copy: ingest moves refused files away
    env = _env(base, extra)
    stdout = run_csw(["run", "--landing", str(landing), "--as-of", AS_OF], env)
    return EngineRun(env=env, landing=landing, output=base / "output", stdout=stdout)


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory, pg_cluster, pg_database) -> DemoRuns:
    base = tmp_path_factory.mktemp("parity")
    demo = base / "demo"
    run_csw(["generate", "--out", str(demo), "--seed", "7", "--scale", SCALE], _env(base, {}))
    database = pg_database("csw")
    # dbt's unit tests run on Postgres here (portability) and on DuckDB in tests/integration's `pipeline` run
    on_duckdb = _run_on(base / "duckdb", demo, {"CSW_TARGET": "duckdb", **WITHOUT_DBT_UNIT_TESTS})
    on_postgres = _run_on(base / "postgres", demo, pg_cluster.env(database, "etl", ETL_PASSWORD))
    return DemoRuns(duckdb=on_duckdb, postgres=on_postgres, database=database)
