"""Shared test set-up: the repo root importable, telemetry off, and nothing written outside tmp dirs.

`make test` runs the suite on two pytest-xdist workers (`--dist loadgroup`). Tests that share an expensive
fixture stay on one worker (`pytest_collection_modifyitems`), and each worker gives dbt its own target and
log folders, so two `dbt build`s never write the same manifest.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from foundation.settings import disable_telemetry  # noqa: E402

disable_telemetry()

# Tests key their synthetic children with an explicit secret of their own (never the demo secret, never a
# developer's): set here, before any test or subprocess reads the environment. Tests of the secret rules
# change these with monkeypatch.
TEST_PSEUDONYMISATION_SECRET = "csw-tests-only-secret-for-synthetic-data-0123456789"
os.environ["CSW_PSEUDONYMISATION_SECRET"] = TEST_PSEUDONYMISATION_SECRET
for _name in ("CSW_PSEUDONYMISATION_SECRET_FILE", "CSW_DEMO"):
    os.environ.pop(_name, None)

# Session-scoped fixtures that cost minutes and cannot be shared between workers: every test using one runs on
# the same worker, so the fixture is built once. Tests without one are grouped by module (module-scoped fixtures
# stay whole). The integration `pipeline` run is shared across workers through a file lock
# (tests/integration/conftest.py); the Postgres cluster and the Airflow metadata database are cheap, so each
# worker starts its own and their tests spread over both.
SHARED_FIXTURE_GROUPS = ("demo_runs", "validators_python", "csw_pipeline_dag")

# Groups that cost minutes, costliest first (CI's `--durations`): xdist gives the first two groups to each worker
# and then hands a free worker the next group in this order, so the long ones start early and the two workers
# finish together; every other group follows, largest first. `test_pipeline` comes first: it builds the shared
# `pipeline` run that a dozen later modules read.
COSTLIEST_FIRST = ("test_pipeline", "demo_runs", "csw_pipeline_dag", "test_sql_style",
                   "test_planted_defects", "test_hub_equals_alone", "test_ssda903_round_trip", "test_statutory_dags", "test_rekey",
                   "test_indicators_reference_cp", "test_airflow_image", "test_annex_a_demo", "test_ingest_dag_run")

# dbt's own variable: a build in a fixture that is not about dbt's unit tests skips them (`csw run`, `csw build`
# and Cosmos read it through dbt). The `pipeline` run (DuckDB) and the Postgres run of `demo_runs` run all of them.
WITHOUT_DBT_UNIT_TESTS = {"DBT_EXCLUDE_RESOURCE_TYPES": "unit_test"}

_DBT_WORKER_DIR = pytest.StashKey[Path]()


def pytest_configure(config):
    """Under xdist each worker's dbt writes its own target/ and logs/ (dbt reads DBT_TARGET_PATH, DBT_LOG_PATH);
    subprocesses (csw, airflow) inherit them. With `--dist loadgroup` the groups go out in the order
    `pytest_collection_modifyitems` gives them, not xdist's by number of tests."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        base = Path(tempfile.mkdtemp(prefix=f"csw-dbt-{worker}-"))
        config.stash[_DBT_WORKER_DIR] = base
        os.environ["DBT_TARGET_PATH"] = str(base / "target")
        os.environ["DBT_LOG_PATH"] = str(base / "logs")
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False
    config.addinivalue_line("markers", "xdist_group(name): the tests' group (also without xdist, `-p no:xdist`)")


def pytest_unconfigure(config):
    """The worker's dbt folders go when the worker ends: a test run leaves nothing behind in the temp dir."""
    base = config.stash.get(_DBT_WORKER_DIR, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


def _group(item) -> str:
    return next((name for name in SHARED_FIXTURE_GROUPS if name in item.fixturenames), item.module.__name__)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the marks
def pytest_collection_modifyitems(config, items):
    """Mark each test's group, and put the costliest groups first."""
    groups = [_group(item) for item in items]
    sizes = Counter(groups)
    rank = {group: n for n, group in enumerate(COSTLIEST_FIRST)}
    order = sorted(range(len(items)), key=lambda i: (rank.get(groups[i], len(rank)), -sizes[groups[i]], groups[i]))
    for i in order:
        items[i].add_marker(pytest.mark.xdist_group(groups[i]))
    items[:] = [items[i] for i in order]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Under `--dist loadgroup` xdist tells a test's group by its id (`…@group`): stop if none has one."""
    if node.config.getoption("dist") == "loadgroup" and ids and not any("@" in nodeid for nodeid in ids):
        pytest.exit(f"pytest {pytest.__version__} with this pytest-xdist does not group tests under --dist loadgroup "
                    "(pytest-xdist#1386): every shared fixture would be built on both workers; pyproject.toml pins "
                    "a pytest that does", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def csw_pipeline_dag(tmp_path_factory):
    """`airflow dags test csw_pipeline` once per session (tests/dags/conftest.py `run_pipeline_dag`):
    tests/dags/test_dag_run.py asserts on the run, and tests/exports/test_regional_return_dag.py starts from a copy
    of the warehouse it built instead of a `csw run` of its own. Its tests share one worker (a group)."""
    from tests.dags.conftest import run_pipeline_dag

    return run_pipeline_dag(tmp_path_factory.mktemp("pipeline_dag"))


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings pointing at a fresh warehouse, quarantine and output under tmp_path."""
    from foundation.settings import get_settings

    monkeypatch.setenv("CSW_WAREHOUSE", str(tmp_path / "warehouse" / "csw.duckdb"))
    monkeypatch.setenv("CSW_QUARANTINE", str(tmp_path / "quarantine"))
    monkeypatch.setenv("CSW_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("CSW_LA_CODE", "841")
    return get_settings()


@pytest.fixture
def smtp_server(monkeypatch):
    """A local SMTP server (aiosmtpd) on a free port, wired in as the Airflow connection `csw_test_smtp`.

    Yields the list of received messages (`email.message.EmailMessage`); sets `CSW_SMTP_CONN_ID`.
    """
    import json
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            received.append(message)
            return "250 Message accepted"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    conn = {"conn_type": "smtp", "host": "127.0.0.1", "port": port,
            "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "csw@example.org"}}
    monkeypatch.setenv("AIRFLOW_CONN_CSW_TEST_SMTP", json.dumps(conn))
    monkeypatch.setenv("CSW_SMTP_CONN_ID", "csw_test_smtp")
    try:
        yield received
    finally:
        controller.stop()
