"""The dbt models follow STYLE.md's SQL layout: sqlfluff (`.sqlfluff`, dbt templater) over every model.

It runs inside the suite, on its own xdist group, so its two minutes of templating overlap the other worker's
tests instead of following the whole run (conftest.COSTLIEST_FIRST)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_dbt_model_passes_sqlfluff(tmp_path):
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    # the templater compiles each model: the as-of every dbt call has (csw.dbt.dbt_env)
    env = {**os.environ, "CSW_WAREHOUSE": str(tmp_path / "lint.duckdb"), "CSW_AS_OF": "2025-03-31"}
    result = subprocess.run([str(sqlfluff), "lint", "dbt_project/models", "--nocolor"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    failing = [line for line in result.stdout.splitlines() if line.startswith(("==", "L:"))]
    # a model dbt cannot compile fails the lint (.sqlfluff: dbt_skip_compilation_error = False)
    assert result.returncode == 0, "sqlfluff lint dbt_project/models:\n" + "\n".join(
        failing or [result.stdout[-2000:] + result.stderr[-2000:]])
