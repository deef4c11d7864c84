"""The compose stack as compose itself resolves it, without a Docker engine.

`docker-compose config` (Debian's docker-compose 1.29, installed by .ci/system-packages.sh; or the
`docker compose` plugin where present) reads docker-compose.yml with .env.example as the env file and
prints the resolved file: anchors merged, ${VAR} interpolated, profiles applied. A missing validator
fails the tests — it never skips them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
BIN = Path(sys.executable).parent


def compose_command() -> list[str]:
    """The compose CLI on this machine: the v2 plugin if Docker is installed, else Debian's docker-compose."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("no compose validator: install Debian's docker-compose (bash .ci/system-packages.sh)")


def run_compose_config(env_file: Path, *, profiles: tuple[str, ...] = (), env: dict[str, str] | None = None):
    """`<compose> --env-file F [--profile P] config` in the repo; the completed process (text)."""
    args = [*compose_command(), "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), "--env-file", str(env_file)]
    for profile in profiles:
        args += ["--profile", profile]
    # Only the given variables from outside: compose lets the process environment override the env file.
    clean = {k: v for k, v in os.environ.items() if not re.match(r"^(AIRFLOW|CSW|COMPOSE|MAILPIT)_", k)}
    return subprocess.run([*args, "config"], capture_output=True, text=True, env={**clean, **(env or {})}, cwd=ROOT)


def resolve(env_file: Path = ENV_EXAMPLE, *, profiles: tuple[str, ...] = (), **kwargs) -> dict:
    """The resolved stack with the services `up` would start: compose 1.29's `config` lists every profile's
    services, the v2 plugin only the active ones; both agree once inactive profiles are dropped."""
    done = run_compose_config(env_file, profiles=profiles, **kwargs)
    assert done.returncode == 0, f"compose config failed: {done.stderr.strip()[-2000:]}"
    config = yaml.safe_load(done.stdout)
    config["services"] = {
        name: service for name, service in config["services"].items()
        if not service.get("profiles") or set(service["profiles"]) & set(profiles)
    }
    return config


def compose_source() -> str:
    """docker-compose.yml without its comment lines (which quote ${VAR} syntax as prose)."""
    return "\n".join(line for line in COMPOSE_FILE.read_text().splitlines() if not line.lstrip().startswith("#"))


def env_example() -> dict[str, str]:
    """KEY=value lines of .env.example (comments and blank lines skipped)."""
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def required_variables() -> set[str]:
    """Variables the compose file marks required with ${VAR:?message}."""
    return set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*):\?", compose_source()))


@pytest.fixture(scope="session")
def stack() -> dict:
    """The default stack (LocalExecutor, no profile) resolved with the example env."""
    return resolve()


@pytest.fixture(scope="session")
def celery_stack() -> dict:
    """The scaled-out stack: profile celery with CeleryExecutor, as the README tells an operator to set."""
    return resolve(profiles=("celery",), env={"AIRFLOW_EXECUTOR": "CeleryExecutor"})
