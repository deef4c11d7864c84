"""The manifest Cosmos renders the server DAG from: parsed when missing or stale, reused while current."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from csw.dbt_manifest import is_current, manifest_path

ROOT = Path(__file__).resolve().parents[2]


def _nodes(manifest: Path) -> dict:
    return json.loads(manifest.read_text(encoding="utf-8"))["nodes"]


def test_manifest_is_parsed_when_missing_reused_while_current_and_reparsed_when_a_model_changes(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))

    manifest = manifest_path("postgres", project)  # missing: dbt parse
    assert manifest.is_relative_to(project / "target") and is_current(manifest, project, "postgres")
    nodes = _nodes(manifest)
    assert "model.csw.fct_indicator_values" in nodes
    models = [n for n in nodes.values() if n["resource_type"] == "model"]
    intermediate = [n for n in models if n["path"].startswith("intermediate/")]
    assert len(intermediate) == len(list((project / "models" / "intermediate").rglob("*.sql")))
    assert {n["schema"] for n in intermediate} == {"intermediate"}  # the domain folders keep the schema
    assert not is_current(manifest, project, "duckdb")  # parsed for another adapter: not reused for it

    parsed_at = manifest.stat().st_mtime_ns
    assert manifest_path("postgres", project) == manifest and manifest.stat().st_mtime_ns == parsed_at  # current

    added = project / "models" / "intermediate" / "shared" / "int_added_for_test.sql"
    added.write_text("select 1 as one\n", encoding="utf-8")
    os.utime(added, (parsed_at / 1e9 + 5, parsed_at / 1e9 + 5))
    assert not is_current(manifest, project, "postgres")
    assert "model.csw.int_added_for_test" in _nodes(manifest_path("postgres", project))  # stale: parsed again
