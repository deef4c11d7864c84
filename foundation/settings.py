"""The settings the project reads from the environment, read in one place (`get_settings`).

`.env.example` lists every key the project reads (tests/deploy/test_compose.py checks). A few are read where they
are used instead: what shapes a DAG when Airflow parses it (`CSW_TARGET` and `CSW_TRANSFORM_TASKS` in
csw/transform.py, `CSW_INGEST_CONCURRENCY` and `CSW_LANDING` in csw/tasks.py) and the paths and switches of single
tools (`CSW_CHROMIUM`, `CSW_DATA_DOCS_ASSETS`, `CSW_DEBUG`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# Documented demo secret: public, so only for synthetic data and only with CSW_DEMO=1 (`make run` sets it).
# A real authority sets its own (README "Choosing and rotating the pseudonymisation secret").
DEMO_PSEUDONYMISATION_SECRET = "csw-demo-secret-not-for-real-data"
# Secrets anyone can read in this repository: refused outside demo mode.
PUBLIC_SECRETS = frozenset({DEMO_PSEUDONYMISATION_SECRET, "change-me"})
MIN_SECRET_LENGTH = 32
MAKE_A_SECRET = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'

# Caps on one landed file (`ingest.core.read`): a file over any of them is quarantined before it is parsed further.
DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
DEFAULT_MAX_COLUMNS = 1_000  # the widest contract has a dozen; extra columns are kept, but not without bound
DEFAULT_MAX_LINE_BYTES = 1024**2  # one line of the file, its line end included
# DuckDB's memory (its buffer pool: what a query holds before it spills to `<warehouse>.tmp/`), for every process
# that opens the warehouse (dbt's profile reads it too). DuckDB's own default is 80 % of the machine, which a national
# build took: 18.6 GB here (docs/regional-hub.md). 6 GB keeps a process well inside the 8 GB issue 17 allows.
DEFAULT_DUCKDB_MEMORY_GB = 6
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)

# Telemetry never leaves this machine (DEVELOPERS.md): set before any library is imported by a command.
TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "SCARF_ANALYTICS": "false",
    "GX_ANALYTICS_ENABLED": "False",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
}


def disable_telemetry() -> None:
    for key, value in TELEMETRY_OFF.items():
        os.environ.setdefault(key, value)


class SecretRefused(RuntimeError):
    """The pseudonymisation secret is missing, public or too short; the message says how to set one."""


@dataclass(frozen=True)
class SecretChoice:
    """Where the pseudonymisation secret comes from, and why it is refused (None: usable)."""

    value: str = field(repr=False)  # never printed
    source: str  # e.g. "environment variable CSW_PSEUDONYMISATION_SECRET"
    refused: str | None = None


def choose_secret(environ: Mapping[str, str], la_code: str = "") -> SecretChoice:
    """CSW_PSEUDONYMISATION_SECRET, else the file CSW_PSEUDONYMISATION_SECRET_FILE names, else (only with
    CSW_DEMO=1) the public demo secret. Outside demo mode a missing, public or short secret is refused.
    With `la_code` (an authority of a regional hub, docs/regional-hub.md): the same, from
    CSW_PSEUDONYMISATION_SECRET_<la_code> or CSW_PSEUDONYMISATION_SECRET_FILE_<la_code>."""
    demo = environ.get("CSW_DEMO", "") == "1"
    suffix = f"_{la_code}" if la_code else ""
    var, file_var = f"CSW_PSEUDONYMISATION_SECRET{suffix}", f"CSW_PSEUDONYMISATION_SECRET_FILE{suffix}"
    value, file_name = environ.get(var, ""), environ.get(file_var, "")
    if value and file_name:
        return SecretChoice("", f"both {var} and {file_var}", f"both {var} and {file_var} are set: keep one")
    if value:
        source = f"environment variable {var}"
    elif file_name:
        source = f"file {file_name} ({file_var})"
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            return SecretChoice("", source, f"cannot read the pseudonymisation secret from {source}: "
                                            f"{type(exc).__name__}: {exc.strerror if isinstance(exc, OSError) else exc}")
    elif demo:
        return SecretChoice(DEMO_PSEUDONYMISATION_SECRET, "the public demo secret (CSW_DEMO=1: synthetic data only)")
    else:
        return SecretChoice("", "none", (
            f"no pseudonymisation secret{f' for authority {la_code}' if la_code else ''}: set {var} (or {file_var}) to "
            f"at least {MIN_SECRET_LENGTH} random characters ({MAKE_A_SECRET}); CSW_DEMO=1 uses the public demo "
            "secret, for synthetic data only"))
    if demo:
        return SecretChoice(value, f"{source}, demo mode (CSW_DEMO=1)")
    if value in PUBLIC_SECRETS:
        return SecretChoice(value, source, (
            f"the pseudonymisation secret from {source} is a public one (the demo secret or the .env.example "
            f"placeholder): anyone could reverse the child keys; {MAKE_A_SECRET}"))
    if len(value) < MIN_SECRET_LENGTH:
        return SecretChoice(value, source, (
            f"the pseudonymisation secret from {source} is {len(value)} characters: at least {MIN_SECRET_LENGTH} "
            f"are needed so the child keys cannot be guessed; {MAKE_A_SECRET}"))
    return SecretChoice(value, source)


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    target: str
    la_code: str
    quarantine_dir: Path
    output_dir: Path
    secret: SecretChoice
    max_file_bytes: int
    max_columns: int = DEFAULT_MAX_COLUMNS
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    smtp_conn_id: str = "smtp_default"
    smtp_from: str = "csw@localhost"
    alert_to: str = ""
    alliance_to: str = ""
    # Small-number suppression of what leaves the authority: on unless `off` with a recorded reason.
    suppression: str = "on"
    suppression_off_reason: str = ""
    # The data-quality severity policy file (None: the shipped expectations/policy.yml).
    dq_policy: Path | None = None
    # Postgres warehouse (target postgres): the loader, checks and export connect with these; dbt's
    # profile reads the same CSW_PG_* variables.
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "etl"
    pg_password: str = ""
    pg_database: str = "csw"
    # A superuser (or CREATEROLE) login of the same server: only `csw roles apply` uses it, to create the
    # per-authority reader roles (docs/row-level-security.md).
    pg_admin_user: str = "postgres"
    pg_admin_password: str = ""
    # DuckDB: how long a command waits for a warehouse file another process holds before giving up.
    lock_wait_seconds: float = 120.0
    # DuckDB: the most memory it holds per process (CSW_DUCKDB_MEMORY_LIMIT; `duckdb_memory_limit`).
    duckdb_memory_limit: str = f"{DEFAULT_DUCKDB_MEMORY_GB}GB"
    # The Python of Data to Insight's DfE validators' own venv (`make validators-venv`; docs/dfe-validators.md).
    validators_python: Path = PROJECT_ROOT / ".venv-validators" / "bin" / "python"
    # A regional hub's authorities (docs/regional-hub.md): the secret of each authority a landing folder holds,
    # from CSW_PSEUDONYMISATION_SECRET_<la_code> (or _FILE_<la_code>); CSW_LA_CODE's may be `secret`.
    authority_secrets: Mapping[str, SecretChoice] = field(default_factory=dict)
    demo: bool = False  # CSW_DEMO=1: an authority without its own secret uses the public demo secret

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse.parent

    @property
    def pseudonymisation_secret(self) -> str:
        """The secret child keys are made with; raises SecretRefused (with how to set one) when unusable, so
        nothing is ever keyed with a missing or public secret."""
        if self.secret.refused:
            raise SecretRefused(self.secret.refused)
        return self.secret.value

    def secret_for(self, la_code: str) -> str:
        """The secret `la_code`'s child keys are made with: its own (CSW_PSEUDONYMISATION_SECRET_<la_code>), else
        for CSW_LA_CODE the one secret of a single authority; SecretRefused, naming the authority, otherwise."""
        choice = self.authority_secrets.get(la_code)
        if choice is None and la_code == self.la_code:
            return self.pseudonymisation_secret
        if choice is None:
            choice = choose_secret({"CSW_DEMO": "1" if self.demo else ""}, la_code)
        if choice.refused:
            raise SecretRefused(choice.refused)
        if not self.demo:  # one authority's secret must not key another's children
            others = {la: c.value for la, c in self.authority_secrets.items() if la != la_code}
            if la_code != self.la_code and self.la_code not in others and not self.secret.refused:
                others[self.la_code] = self.secret.value
            shared = sorted(la for la, value in others.items() if value == choice.value)
            if shared:
                raise SecretRefused(f"authority {la_code}'s pseudonymisation secret ({choice.source}) is also "
                                    f"authority {', '.join(shared)}'s: each authority needs its own; {MAKE_A_SECRET}")
        return choice.value

    def secret_line(self) -> str:
        """Which secret source is in use (never the secret), for commands and tasks to print."""
        return f"pseudonymisation secret: {self.secret.source}"


TARGETS = ("duckdb", "postgres")


def duckdb_memory_limit(value: str | None) -> str:
    """DuckDB's memory limit: CSW_DUCKDB_MEMORY_LIMIT (a size: `6GB`, `4096MB`, `8GiB`), else
    DEFAULT_DUCKDB_MEMORY_GB or, on a machine with less memory, 80 % of it (DuckDB's own default)."""
    if value:
        if not _MEMORY_SIZE.fullmatch(value.strip()):
            raise ValueError(f"CSW_DUCKDB_MEMORY_LIMIT={value!r}: expected a size such as 6GB, 4096MB or 8GiB")
        return value.strip()
    machine_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024**2
    return f"{min(DEFAULT_DUCKDB_MEMORY_GB * 1000, machine_mb * 8 // 10)}MB"


def _target(value: str) -> str:
    if value not in TARGETS:
        raise ValueError(f"CSW_TARGET={value!r}: expected one of {', '.join(TARGETS)}")
    return value


def _authorities_with_secrets(environ: Mapping[str, str]) -> set[str]:
    """The authority codes CSW_PSEUDONYMISATION_SECRET_<la_code> or CSW_PSEUDONYMISATION_SECRET_FILE_<la_code> name."""
    return {m.group(1) for name in environ if (m := _AUTHORITY_SECRET.fullmatch(name))}


_AUTHORITY_SECRET = re.compile(r"CSW_PSEUDONYMISATION_SECRET_(?:FILE_)?(\d{3})")


def get_settings() -> Settings:
    """Settings from the environment, with the embedded defaults of docs/specs/PRODUCT.md."""
    warehouse = Path(os.environ.get("CSW_WAREHOUSE", PROJECT_ROOT / "warehouse" / "csw.duckdb")).resolve()
    return Settings(
        warehouse=warehouse,
        target=_target(os.environ.get("CSW_TARGET", "duckdb")),
        la_code=os.environ.get("CSW_LA_CODE", "841"),
        quarantine_dir=Path(os.environ.get("CSW_QUARANTINE", warehouse.parent / "quarantine")).resolve(),
        output_dir=Path(os.environ.get("CSW_OUTPUT", PROJECT_ROOT / "output")).resolve(),
        secret=choose_secret(os.environ),
        authority_secrets={la: choose_secret(os.environ, la) for la in _authorities_with_secrets(os.environ)},
        demo=os.environ.get("CSW_DEMO", "") == "1",
        max_file_bytes=int(os.environ.get("CSW_MAX_FILE_BYTES", str(DEFAULT_MAX_FILE_BYTES))),
        max_columns=int(os.environ.get("CSW_MAX_COLUMNS", str(DEFAULT_MAX_COLUMNS))),
        max_line_bytes=int(os.environ.get("CSW_MAX_LINE_BYTES", str(DEFAULT_MAX_LINE_BYTES))),
        smtp_conn_id=os.environ.get("CSW_SMTP_CONN_ID", "smtp_default"),
        smtp_from=os.environ.get("CSW_SMTP_FROM", "csw@localhost"),
        alert_to=os.environ.get("CSW_ALERT_TO", ""),
        alliance_to=os.environ.get("CSW_ALLIANCE_TO", ""),
        suppression=os.environ.get("CSW_SUPPRESSION", "on"),
        suppression_off_reason=os.environ.get("CSW_SUPPRESSION_OFF_REASON", ""),
        dq_policy=Path(os.environ["CSW_DQ_POLICY"]).resolve() if os.environ.get("CSW_DQ_POLICY") else None,
        pg_host=os.environ.get("CSW_PG_HOST", "127.0.0.1"),
        pg_port=int(os.environ.get("CSW_PG_PORT", "5432")),
        pg_user=os.environ.get("CSW_PG_USER", "etl"),
        pg_password=os.environ.get("CSW_PG_PASSWORD", ""),
        pg_database=os.environ.get("CSW_PG_DATABASE", "csw"),
        pg_admin_user=os.environ.get("CSW_WAREHOUSE_ADMIN_USER", "postgres"),
        pg_admin_password=os.environ.get("CSW_WAREHOUSE_ADMIN_PASSWORD", ""),
        lock_wait_seconds=float(os.environ.get("CSW_LOCK_WAIT_SECONDS", "120")),
        duckdb_memory_limit=duckdb_memory_limit(os.environ.get("CSW_DUCKDB_MEMORY_LIMIT")),
        validators_python=Path(os.environ.get("CSW_VALIDATORS_PYTHON",
                                              PROJECT_ROOT / ".venv-validators" / "bin" / "python")),
    )
