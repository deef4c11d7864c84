"""Every setting the project reads from the environment, read in one place.

`.env.example` lists each key. Nothing else in the project calls `os.environ` for configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# Documented demo secret: only for synthetic data. A real authority sets its own (see docs/operations.md).
DEMO_PSEUDONYMISATION_SECRET = "csw-demo-secret-not-for-real-data"

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


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    target: str
    la_code: str
    quarantine_dir: Path
    output_dir: Path
    pseudonymisation_secret: str
    max_file_bytes: int
    smtp_conn_id: str = "smtp_default"
    smtp_from: str = "csw@localhost"
    alert_to: str = ""
    alliance_to: str = ""
    # Postgres warehouse (target postgres): the loader, checks and export connect with these; dbt's
    # profile reads the same CSW_PG_* variables.
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "etl"
    pg_password: str = ""
    pg_database: str = "csw"

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse.parent


TARGETS = ("duckdb", "postgres")


def _target(value: str) -> str:
    if value not in TARGETS:
        raise ValueError(f"CSW_TARGET={value!r}: expected one of {', '.join(TARGETS)}")
    return value


def get_settings() -> Settings:
    """Settings from the environment, with the embedded defaults of PRODUCT.md."""
    warehouse = Path(os.environ.get("CSW_WAREHOUSE", PROJECT_ROOT / "warehouse" / "csw.duckdb")).resolve()
    return Settings(
        warehouse=warehouse,
        target=_target(os.environ.get("CSW_TARGET", "duckdb")),
        la_code=os.environ.get("CSW_LA_CODE", "841"),
        quarantine_dir=Path(os.environ.get("CSW_QUARANTINE", warehouse.parent / "quarantine")).resolve(),
        output_dir=Path(os.environ.get("CSW_OUTPUT", PROJECT_ROOT / "output")).resolve(),
        pseudonymisation_secret=os.environ.get("CSW_PSEUDONYMISATION_SECRET", DEMO_PSEUDONYMISATION_SECRET),
        max_file_bytes=int(os.environ.get("CSW_MAX_FILE_BYTES", str(2 * 1024**3))),
        smtp_conn_id=os.environ.get("CSW_SMTP_CONN_ID", "smtp_default"),
        smtp_from=os.environ.get("CSW_SMTP_FROM", "csw@localhost"),
        alert_to=os.environ.get("CSW_ALERT_TO", ""),
        alliance_to=os.environ.get("CSW_ALLIANCE_TO", ""),
        pg_host=os.environ.get("CSW_PG_HOST", "127.0.0.1"),
        pg_port=int(os.environ.get("CSW_PG_PORT", "5432")),
        pg_user=os.environ.get("CSW_PG_USER", "etl"),
        pg_password=os.environ.get("CSW_PG_PASSWORD", ""),
        pg_database=os.environ.get("CSW_PG_DATABASE", "csw"),
    )
