"""docker-compose.yml parses and resolves with .env.example, matches the compose specification, refuses to start
without its secrets, and refers only to files, folders and variables that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import (
    BIN, COMPOSE_FILE, ENV_EXAMPLE, ROOT, compose_source, env_example, required_variables, resolve, run_compose_config,
)

CORE = {"airflow-db", "warehouse-db", "mailpit", "airflow-init", "api-server", "scheduler", "dag-processor", "triggerer"}
CELERY = {"redis", "worker"}
AIRFLOW_IMAGE_SERVICES = {"airflow-init", "api-server", "scheduler", "dag-processor", "triggerer", "worker"}


def test_default_stack_resolves_with_the_example_env(stack):
    assert set(stack["services"]) == CORE
    for name in AIRFLOW_IMAGE_SERVICES & CORE:
        env = stack["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["CSW_TARGET"] == "postgres" and env["CSW_PG_HOST"] == "warehouse-db"
        assert env["CSW_PSEUDONYMISATION_SECRET"] == "change-me"  # interpolated from .env.example


def test_celery_profile_adds_redis_and_workers(celery_stack):
    assert set(celery_stack["services"]) == CORE | CELERY
    worker = celery_stack["services"]["worker"]
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert worker["environment"]["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"


def test_duckdb_target_still_selectable(tmp_path):
    env_file = tmp_path / "duckdb.env"
    env_file.write_text(ENV_EXAMPLE.read_text().replace("CSW_TARGET=postgres", "CSW_TARGET=duckdb"))
    scheduler = resolve(env_file)["services"]["scheduler"]
    assert scheduler["environment"]["CSW_TARGET"] == "duckdb"
    assert scheduler["environment"]["CSW_WAREHOUSE"] == "/data/warehouse/csw.duckdb"
    assert any(v.startswith("warehouse:/data/warehouse") for v in scheduler["volumes"])


@pytest.mark.parametrize("secret", sorted(required_variables()))
def test_a_missing_secret_is_refused_with_its_name(tmp_path, secret):
    env_file = tmp_path / "incomplete.env"
    env_file.write_text("\n".join(l for l in ENV_EXAMPLE.read_text().splitlines() if not l.startswith(f"{secret}=")))
    done = run_compose_config(env_file)
    assert done.returncode != 0
    assert f"set {secret} in .env" in done.stderr


def test_every_secret_is_required_and_a_placeholder_in_the_example():
    secrets = required_variables()
    assert {"AIRFLOW_DB_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_API_SECRET_KEY",
            "AIRFLOW_ADMIN_PASSWORD", "CSW_PSEUDONYMISATION_SECRET", "CSW_PG_PASSWORD", "CSW_BI_READER_PASSWORD",
            "CSW_WAREHOUSE_ADMIN_PASSWORD"} <= secrets
    example = env_example()
    assert {key: example.get(key) for key in secrets} == {key: "change-me" for key in secrets}


def _schema_check(path: Path) -> subprocess.CompletedProcess:
    checker = BIN / "check-jsonschema"
    if not checker.exists():
        pytest.fail("check-jsonschema is missing from the venv: `make venv` (dev extra)")
    return subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(path)], capture_output=True, text=True)


def test_compose_file_and_its_resolved_form_match_the_compose_spec(tmp_path, celery_stack):
    """The compose-spec JSON schema vendored in check-jsonschema: the current specification, not only v1.29's."""
    import yaml

    resolved = tmp_path / "resolved.yml"
    resolved.write_text(yaml.safe_dump(celery_stack))
    for path in (COMPOSE_FILE, resolved):
        done = _schema_check(path)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_catches_a_misspelt_key(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("    healthcheck:\n      test: [\"CMD\", \"/mailpit\"",
                                                       "    healtcheck:\n      test: [\"CMD\", \"/mailpit\"", 1))
    assert "healtcheck" in broken.read_text()
    done = _schema_check(broken)
    assert done.returncode != 0 and "healtcheck" in done.stdout


def test_every_variable_the_compose_file_reads_is_in_env_example():
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", compose_source()))
    missing = used - set(env_example())
    assert not missing, f".env.example lacks {sorted(missing)}"


SOURCES = ["foundation", "ingest", "expectations", "exports", "csw", "dags"]
READS = re.compile(r"""(?:environ\.get\(|environ\[|getenv\(|env_var\()\s*["']((?:CSW|AIRFLOW_CONN)_[A-Z0-9_]+)""")


def test_env_example_lists_every_setting_csw_reads():
    files = [p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")] + [ROOT / "dbt_project" / "profiles.yml"]
    read = {key for path in files for key in READS.findall(path.read_text())}
    assert {"CSW_WAREHOUSE", "CSW_TARGET"} <= read  # the scan sees settings.py
    # the secret's names are built per authority (foundation/settings.choose_secret: CSW_PSEUDONYMISATION_SECRET
    # plus an optional _<la_code>), so no literal read names them
    read |= {"CSW_PSEUDONYMISATION_SECRET", "CSW_PSEUDONYMISATION_SECRET_FILE"}
    missing = read - set(env_example())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert done.returncode == 0, ".env (real secrets) must be in .gitignore"


def test_healthchecks_and_dependency_conditions(celery_stack):
    services = celery_stack["services"]
    for name, service in services.items():
        if name == "airflow-init":
            assert service["restart"] == "no" and "healthcheck" not in service
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert service["restart"] == "unless-stopped", name
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits for {dependency}, which has no healthcheck"
            else:
                assert (dependency, rule["condition"]) == ("airflow-init", "service_completed_successfully"), name
    for name in AIRFLOW_IMAGE_SERVICES - {"airflow-init"}:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["airflow-db"]["condition"] == "service_healthy"


def _host_path(source: str) -> Path:
    path = Path(source)
    return path if path.is_absolute() else ROOT / path


def test_bind_mounts_exist_or_are_created_by_airflow_init(stack):
    """A bind-mounted file or folder from the repo exists; data folders are made (and owned) by airflow-init."""
    init = stack["services"]["airflow-init"]
    init_env = init["environment"]
    created = {init_env["CSW_LANDING"], init_env["CSW_OUTPUT"], init_env["CSW_QUARANTINE"]}
    named = set(stack.get("volumes", {}))
    for name, service in stack["services"].items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if source in named:
                continue
            if target in created:  # host folder from CSW_HOST_*; docker makes it, airflow-init gives it to AIRFLOW_UID
                continue
            assert _host_path(source).exists(), f"{name}: {source} does not exist"
    script = (ROOT / "deploy/compose/airflow-init.sh").read_text()
    for variable in ("CSW_LANDING", "CSW_OUTPUT", "CSW_QUARANTINE", "CSW_WAREHOUSE"):
        assert f"${{{variable}:?}}" in script
    assert "data/" in (ROOT / ".gitignore").read_text().split()


def test_warehouse_db_applies_the_roles_sql(stack):
    service = stack["services"]["warehouse-db"]
    mounts = dict(v.split(":")[:2][::-1] for v in service["volumes"])
    init_script = _host_path(mounts["/docker-entrypoint-initdb.d/10-csw-roles.sh"])
    assert init_script.exists() and init_script.stat().st_mode & 0o111
    roles_dir = _host_path(mounts["/csw/postgres"])
    assert service["environment"]["CSW_ROLES_SQL"] == "/csw/postgres/roles.sql"
    assert (roles_dir / "roles.sql").is_file(), "deploy/postgres/roles.sql (the etl and bi_reader roles) is missing"
    roles = (roles_dir / "roles.sql").read_text()
    passwords = re.findall(r"-v (\w+_password)=", init_script.read_text())
    assert sorted(passwords) == ["bi_reader_password", "etl_password"]
    for variable in passwords:
        assert f":'{variable}'" in roles, f"roles.sql does not use the psql variable {variable}"
    assert service["environment"]["POSTGRES_DB"] == stack["services"]["scheduler"]["environment"]["CSW_PG_DATABASE"]


def test_shell_scripts_parse():
    for script in sorted((ROOT / "deploy/compose").glob("*.sh")):
        done = subprocess.run([shutil.which("bash") or "bash", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, f"{script.name}: {done.stderr}"
