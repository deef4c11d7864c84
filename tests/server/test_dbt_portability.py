"""Fast guards (no server) for what only Postgres would refuse later in a dbt build."""

from __future__ import annotations

from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
MAX_IDENTIFIER = 63  # Postgres truncates/refuses longer names; dbt-postgres refuses unit tests named longer


def _yaml_entries(key: str) -> list[tuple[str, str]]:
    entries = []
    for path in sorted(MODELS.rglob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(key) or []:
            entries.append((str(path.relative_to(MODELS)), entry["name"]))
    return entries


def test_unit_test_names_fit_a_postgres_identifier():
    names = _yaml_entries("unit_tests")
    assert len(names) > 50
    too_long = [f"{path}: {name} ({len(name)} characters)" for path, name in names if len(name) > MAX_IDENTIFIER]
    assert not too_long, "dbt-postgres names a relation after each unit test; shorten (keep the sentence in " \
        "its description): " + "; ".join(too_long)


def test_model_names_fit_a_postgres_identifier():
    names = [p.stem for p in MODELS.rglob("*.sql")]
    assert len(names) > 100
    assert not [n for n in names if len(n) > MAX_IDENTIFIER]
