"""The Airflow image of docker-compose.yml: every service's command, entrypoint and healthcheck exists in what
the Dockerfile installs (the same pyproject extras as this venv), every AIRFLOW__* setting is a real Airflow
option, and the airflow-init script runs natively on SQLite metadata (twice: it is idempotent)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.deploy.conftest import BIN, ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Binaries the third-party images ship (their own Dockerfiles use them in HEALTHCHECK or document them).
IMAGE_BINARIES = {"postgres": {"pg_isready"}, "redis": {"redis-cli"}, "axllent/mailpit": {"/mailpit"}}

# Parses argv lists with the installed Airflow's own CLI parser and checks AIRFLOW__SECTION__KEY names against
# its configuration (core and providers), in a process with the service's environment.
PROBE = r"""
import json, sys
from airflow.cli.cli_parser import get_parser
from airflow.configuration import conf

job = json.loads(sys.argv[1])
parser = get_parser()
rejected = []
for argv in job["argv"]:
    try:
        parser.parse_args(argv)
    except SystemExit:
        rejected.append(argv)
conf.load_providers_configuration()
unknown = []
for name in job["config"]:
    _, section, option = name.split("__", 2)
    if not conf.has_option(section.lower(), option.lower()):
        unknown.append(name)
print(json.dumps({"rejected": rejected, "unknown": unknown}))
"""


def _copies() -> dict[str, str]:
    """Dockerfile COPY: destination (absolute, under WORKDIR) → source in the repo."""
    workdir = re.search(r"^WORKDIR (\S+)", DOCKERFILE, re.M).group(1)
    pairs = {}
    for line in re.findall(r"^COPY (.+)$", DOCKERFILE, re.M):
        *sources, dest = line.split()
        for source in sources:
            target = dest if dest.startswith("/") else f"{workdir}/{dest.removeprefix('./')}".rstrip("/.")
            pairs[target if len(sources) == 1 and not dest.endswith("/") else f"{target}/{source}"] = source
    return pairs


def _airflow_services(stack: dict) -> dict[str, dict]:
    return {name: s for name, s in stack["services"].items() if "build" in s}


def _argv(service: dict) -> list[str]:
    """What the container runs: the service's entrypoint or the image's (airflow), then its command."""
    entrypoint = service.get("entrypoint") or json.loads(re.search(r"^ENTRYPOINT (.+)$", DOCKERFILE, re.M).group(1))
    return [*entrypoint, *(service.get("command") or [])]


def test_dockerfile_copies_what_exists_and_installs_the_server_extras():
    copies = _copies()
    for source in copies.values():
        assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the repo"
    copied = {Path(s).parts[0] for s in copies.values()}
    for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert pattern.rstrip("*") in copied, f"package {pattern} is not copied into the image"
    assert {"dags", "dbt_project", "deploy"} <= copied
    install = re.search(r"uv pip install --system (?:--compile-bytecode )?-e '\.\[([a-z,]+)\]'", DOCKERFILE)
    assert install, "the Dockerfile installs the project with uv"
    extras = install.group(1).split(",")
    assert set(extras) == {"server", "celery"} and set(extras) <= set(PYPROJECT["project"]["optional-dependencies"])
    assert re.search(r"^\s+USER=airflow", DOCKERFILE, re.M), "an AIRFLOW_UID without a passwd entry needs USER"
    python = re.search(r"^FROM python:(\d+\.\d+)", DOCKERFILE, re.M).group(1)
    assert PYPROJECT["project"]["requires-python"] == f">={python},<3.{int(python.split('.')[1]) + 1}"


def test_service_commands_healthchecks_and_settings_are_real_airflow(tmp_path, celery_stack):
    """`airflow api-server|scheduler|dag-processor|triggerer|celery worker` and `airflow jobs check …` parse with
    the installed Airflow (FAB auth manager and CeleryExecutor configured as in compose); every AIRFLOW__
    setting names an option Airflow or one of its providers defines."""
    services = _airflow_services(celery_stack)
    assert set(services) == {"airflow-init", "api-server", "scheduler", "dag-processor", "triggerer", "worker"}
    argvs, config = [], set()
    for name, service in services.items():
        argv = _argv(service)
        if argv[0] == "airflow":
            argvs.append(argv[1:])
        test = service.get("healthcheck", {}).get("test", [])
        if test[:2] == ["CMD", "airflow"]:
            argvs.append(test[2:])
        config |= {k for k in service["environment"] if k.startswith("AIRFLOW__")}
    assert sorted(" ".join(a) for a in argvs) == sorted([
        "api-server", "scheduler", "dag-processor", "triggerer", "celery worker",
        "jobs check --job-type SchedulerJob --local", "jobs check --job-type DagProcessorJob --local",
        "jobs check --job-type TriggererJob --local",
    ])
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
    env.update({k: str(v) for k, v in services["worker"]["environment"].items()})
    env.update(AIRFLOW_HOME=str(tmp_path / "airflow"), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{tmp_path}/airflow.db"  # parsing only: never the network
    job = json.dumps({"argv": argvs + [["no-such-command"]], "config": sorted(config) + ["AIRFLOW__CORE__NO_SUCH_KEY"]})
    done = subprocess.run([str(BIN / "python"), "-c", PROBE, job], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"rejected": [["no-such-command"]], "unknown": ["AIRFLOW__CORE__NO_SUCH_KEY"]}  # probes work


def test_airflow_starts_with_the_compose_metadata_database_url(tmp_path, celery_stack):
    """Every Airflow process opens its metadata database at import, with the compose URL (postgresql+psycopg2) and,
    in Airflow 3, an async engine on the same database through the driver Airflow derives from it (asyncpg): an
    import that would fail in every service. Nothing connects: the engines are only created."""
    urls = {str(s["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]): name
            for name, s in _airflow_services(celery_stack).items()}
    assert len(urls) == 1  # one metadata database for every service (its URL probed once: an import is 4 s)
    for url, name in urls.items():
        assert url.startswith("postgresql+psycopg2://"), name
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
        env.update({k: str(v) for k, v in celery_stack["services"][name]["environment"].items()})
        env.update(AIRFLOW_HOME=str(tmp_path / name), AIRFLOW__CORE__LOAD_EXAMPLES="False")
        probe = "import airflow.settings as s; print(s.SQL_ALCHEMY_CONN_ASYNC.split(':', 1)[0])"
        done = subprocess.run([str(BIN / "python"), "-c", probe], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, f"{name}: {done.stderr[-1500:]}"
        assert done.stdout.strip().splitlines()[-1] == "postgresql+asyncpg", name


def test_airflow_init_entrypoint_is_in_the_image(stack):
    init = stack["services"]["airflow-init"]
    (entrypoint,) = init["entrypoint"]
    source = _copies()[str(Path(entrypoint).parent)]
    script = ROOT / source / Path(entrypoint).name
    assert script.exists() and os.access(script, os.X_OK), f"{entrypoint} is not an executable file of {source}"
    assert init["user"] == "0:0"  # it chowns the folders, then drops to AIRFLOW_UID with setpriv


def test_healthchecks_run_binaries_the_images_have(celery_stack):
    apt = re.search(r"apt-get install -y --no-install-recommends ([^\\&]+)", DOCKERFILE).group(1).split()
    for name, service in celery_stack["services"].items():
        test = service.get("healthcheck", {}).get("test")
        if not test:
            continue
        kind, *command = test
        words = shlex.split(command[0]) if kind == "CMD-SHELL" else command
        binary = words[0]
        if "build" in service:
            assert binary in apt or (BIN / binary).exists(), f"{name}: {binary} is not installed in the image"
        else:
            image = service["image"].rsplit(":", 1)[0]
            assert binary in IMAGE_BINARIES[image], f"{name}: {binary} is not a binary of {image}"


def test_api_server_healthcheck_is_an_airflow_route(stack):
    import importlib.util

    url = stack["services"]["api-server"]["healthcheck"]["test"][-1]
    path = re.sub(r"^http://localhost:8080", "", url)
    package = Path(importlib.util.find_spec("airflow").origin).parent  # without importing Airflow (seconds)
    spec = package / "api_fastapi/core_api/openapi/v2-rest-api-generated.yaml"
    assert re.search(rf"^  {re.escape(path)}:$", spec.read_text(), re.M), f"{path} is not in Airflow's API"


def test_celery_worker_healthcheck_app_exists(celery_stack):
    import importlib

    command = celery_stack["services"]["worker"]["healthcheck"]["test"][1]
    module, attribute = re.search(r"--app (\S+)", command).group(1).rsplit(".", 1)
    assert hasattr(importlib.import_module(module), attribute)


def test_pg_isready_accepts_the_healthcheck_arguments(stack):
    """pg_isready (Debian's, as in the postgres image) with the compose arguments against a closed port: exit 2
    (no response) means the arguments parsed; 3 would mean they did not."""
    pg_isready = shutil.which("pg_isready") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_isready"))), None)
    if pg_isready is None:
        pytest.fail("pg_isready missing: install postgresql (bash .ci/system-packages.sh)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for name in ("airflow-db", "warehouse-db"):
        service = stack["services"][name]
        command = service["healthcheck"]["test"][1].replace("$${POSTGRES_DB}", service["environment"]["POSTGRES_DB"])
        words = shlex.split(command)
        assert words[0] == "pg_isready"
        done = subprocess.run([str(pg_isready), *words[1:], "-p", str(port), "-t", "1"], capture_output=True, text=True)
        assert done.returncode == 2, f"{name}: {done.stdout}{done.stderr}"


def _init_env(stack: dict, tmp_path: Path) -> dict[str, str]:
    """airflow-init's compose environment with tmp folders and the venv's airflow on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CSW_"))}
    env.update({k: str(v) for k, v in stack["services"]["airflow-init"]["environment"].items()})
    data = tmp_path / "data"
    env.update(
        PATH=f"{BIN}:{env['PATH']}",
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        CSW_LANDING=str(data / "landing"), CSW_OUTPUT=str(data / "outbox"), CSW_QUARANTINE=str(data / "quarantine"),
        CSW_WAREHOUSE=str(data / "warehouse" / "csw.duckdb"),
    )
    return env


def test_airflow_init_refuses_the_example_placeholders(tmp_path, stack):
    env = _init_env(stack, tmp_path)
    done = subprocess.run([str(ROOT / "deploy/compose/airflow-init.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1 and not (tmp_path / "data").exists()
    (line,) = done.stderr.strip().splitlines()
    named = set(line.split("change-me: ", 1)[1].split(";", 1)[0].split(","))
    assert named == {
        "AIRFLOW_ADMIN_PASSWORD", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND", "CSW_PSEUDONYMISATION_SECRET",
        "CSW_PG_PASSWORD", "CSW_BI_READER_PASSWORD", "CSW_WAREHOUSE_ADMIN_PASSWORD",
    }


def test_warehouse_waits_for_airflow_init(stack):
    """warehouse-db initialises its roles once, on an empty volume: only after the placeholder check passed."""
    assert stack["services"]["warehouse-db"]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


@pytest.mark.slow
def test_airflow_init_runs_natively_and_is_idempotent(tmp_path, stack):
    """deploy/compose/airflow-init.sh with the compose environment, except SQLite metadata, tmp folders and
    secrets in place of the placeholders."""
    env = _init_env(stack, tmp_path)
    env.update({k: f"secret-for-{k.lower()}" for k, v in env.items() if v == "change-me"})
    data = tmp_path / "data"
    env.update(
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path}/airflow.db",
        AIRFLOW__CELERY__RESULT_BACKEND=f"db+sqlite:///{tmp_path}/airflow.db",
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__FERNET_KEY="",
        AIRFLOW_UID=str(os.getuid()),
    )
    script = ROOT / "deploy/compose/airflow-init.sh"
    first = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert 'User "admin" created with role "Admin"' in first.stdout
    for folder in ("landing", "outbox", "quarantine", "warehouse"):
        assert (data / folder).is_dir()
    assert (tmp_path / "airflow" / "logs").is_dir()
    second = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "admin already exists" in second.stdout
    listed = subprocess.run([str(BIN / "airflow"), "users", "list", "--output", "json"], capture_output=True, text=True, env=env)
    users = json.loads(listed.stdout[listed.stdout.index("["):])
    assert [(u["username"], u["roles"]) for u in users] == [("admin", ["Admin"])]


def test_build_context_leaves_out_secrets_and_local_state_but_not_what_is_copied():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".env", ".venv", ".git", "data", "warehouse"} <= ignored
    for source in _copies().values():
        assert Path(source).parts[0] not in ignored, f".dockerignore drops {source}, which the Dockerfile copies"
