"""The dbt manifest Cosmos renders the Airflow task graph from (`LoadMode.DBT_MANIFEST`), kept up to date.

Parsing a DAG must not run dbt: `dbt ls` on every parse costs seconds to minutes. `make` builds the manifest
with `dbt parse` before Airflow parses the DAGs (`python -m csw.dbt_manifest`), and `manifest_path()` runs
the same parse itself when the file is missing, was parsed for another adapter, or is older than any file
or folder of the dbt project — so an edited, added or deleted model is never rendered from a stale graph.
The manifest is a build artefact under `dbt_project/target/` (git-ignored), one per target, written to a
temporary folder and moved into place, so a DAG parse never reads half a file.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from foundation.settings import DBT_PROJECT_DIR

# dbt's own output folders inside the project: not sources of the manifest.
GENERATED = ("target", "logs", "dbt_packages")


def _manifest_file(project_dir: Path, target: str) -> Path:
    return project_dir / "target" / "cosmos" / target / "manifest.json"


def _newest_source_mtime(project_dir: Path) -> float:
    """The latest modification time of any file or folder of the project (a folder's changes when an entry
    is added, removed or renamed), dbt's generated folders left out."""
    newest = project_dir.stat().st_mtime
    for root, dirs, files in os.walk(project_dir):
        if Path(root) == project_dir:
            dirs[:] = [d for d in dirs if d not in GENERATED]
        for name in (*dirs, *files):
            newest = max(newest, (Path(root) / name).stat().st_mtime)
    return newest


def _adapter_type(manifest: Path) -> str | None:
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["metadata"]["adapter_type"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_current(manifest: Path, project_dir: Path, target: str) -> bool:
    """The manifest exists, was parsed for `target`'s adapter and is newer than every project file."""
    if not manifest.is_file():
        return False
    return manifest.stat().st_mtime >= _newest_source_mtime(project_dir) and _adapter_type(manifest) == target


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    found = str(beside_python) if beside_python.exists() else shutil.which("dbt")
    if not found:
        raise RuntimeError("dbt is not installed beside this Python nor on PATH: cannot parse the dbt project")
    return found


def _parse(project_dir: Path, target: str, manifest: Path) -> None:
    manifest.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(dir=manifest.parent, prefix=".parse-") as scratch:
        env = {**os.environ, "CSW_TARGET": target, "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DO_NOT_TRACK": "1"}
        result = subprocess.run(
            [_dbt_executable(), "parse", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
             "--target", target, "--target-path", scratch, "--log-path", scratch, "--no-partial-parse", "--quiet"],
            env=env, capture_output=True, text=True, timeout=600,
        )
        parsed = Path(scratch) / "manifest.json"
        if result.returncode != 0 or not parsed.is_file():
            detail = (result.stdout + result.stderr).strip()[-2000:]
            raise RuntimeError(f"dbt parse of {project_dir} (target {target}) failed: {detail}")
        # dated when the parse started: a file edited while dbt was parsing still counts as newer
        os.utime(parsed, (started, started))
        os.replace(parsed, manifest)  # atomic: a reader sees the old file or the new one


def manifest_path(target: str, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """The path of an up-to-date manifest of `project_dir` for `target`, parsing the project first if needed.

    A lock beside the manifest makes concurrent DAG parses wait for one `dbt parse` instead of each running
    their own; the check is repeated under the lock."""
    manifest = _manifest_file(project_dir, target)
    if is_current(manifest, project_dir, target):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_current(manifest, project_dir, target):
            _parse(project_dir, target, manifest)
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Parse the dbt project into the manifest Cosmos renders from.")
    parser.add_argument("--target", default=os.environ.get("CSW_TARGET", "duckdb"), help="profile target")
    args = parser.parse_args(argv)
    print(manifest_path(args.target))


if __name__ == "__main__":
    main()
