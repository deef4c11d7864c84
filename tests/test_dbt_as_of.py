"""The as-of date reaches dbt as the environment variable CSW_AS_OF (macro `as_of_date`, macros/dates.sql), not a
dbt var: dbt re-parses the whole project when any var differs from its last parse, and the as-of moves every day.
Here, on a copy of the project: the next day's parse is a partial one; a compiled int_periods carries the
environment's date; without one, or with one that is not a date, the SQL is refused with the reason, while a parse
(`dbt ls`, Cosmos's manifest) needs none."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from foundation.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("as_of") / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, root, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return root


def _dbt(project: Path, monkeypatch, as_of: str | None, *args: str):
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("CSW_TARGET", "duckdb")
    monkeypatch.setenv("CSW_WAREHOUSE", str(project / "w.duckdb"))
    # the copy's own parse state and log, not the test worker's (tests/conftest.py sets both for the project)
    monkeypatch.setenv("DBT_TARGET_PATH", str(project / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(project / "logs"))
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")  # the parse's own lines (the project's log keeps info)
    if as_of is None:
        monkeypatch.delenv("CSW_AS_OF", raising=False)
    else:
        monkeypatch.setenv("CSW_AS_OF", as_of)
    return dbtRunner().invoke([*args, "--project-dir", str(project), "--profiles-dir", str(project),
                               "--target", "duckdb", "--vars", '{"la_code": "841"}', "--no-write-json", "--quiet"])


def test_the_next_days_parse_is_partial_and_compiles_its_date(project, monkeypatch):
    assert _dbt(project, monkeypatch, "2025-03-30", "parse").success  # yesterday's run: a full parse
    log_file = project / "logs" / "dbt.log"
    mark = len(log_file.read_text(encoding="utf-8"))
    compiled = _dbt(project, monkeypatch, "2025-03-31", "compile", "--select", "int_periods")
    assert compiled.success, compiled.exception
    log = log_file.read_text(encoding="utf-8")[mark:]
    assert "Unable to do partial parsing" not in log and "Partial parsing enabled" in log, log[-3000:]
    sql = compiled.result.results[0].node.compiled_code
    assert "cast('2025-03-31' as date) as as_of" in sql
    leap = _dbt(project, monkeypatch, "2024-02-29", "compile", "--select", "int_periods")  # a leap day is a date
    assert leap.success and "cast('2024-02-29' as date)" in leap.result.results[0].node.compiled_code


def test_a_dbt_call_leaves_no_as_of_behind(settings, monkeypatch):
    from csw import dbt

    seen: list[dict[str, str]] = []  # the environment dbt ran in, call by call

    def invoke(_runner, _args):
        seen.append(dict(os.environ))
        return SimpleNamespace(success=True, result=None, exception=None)

    monkeypatch.delenv("CSW_AS_OF", raising=False)
    monkeypatch.setattr("dbt.cli.main.dbtRunner.invoke", invoke)
    dbt.run_dbt("ls", settings, date(2025, 3, 31))
    assert seen[-1]["CSW_AS_OF"] == "2025-03-31" and "CSW_AS_OF" not in os.environ
    monkeypatch.setenv("CSW_AS_OF", "2024-12-31")  # one set by hand stays as it was, and a call without a date
    dbt.run_dbt("run-operation", settings, None, ["secure_marts"])  # runs without any
    assert "CSW_AS_OF" not in seen[-1] and os.environ["CSW_AS_OF"] == "2024-12-31"


@pytest.mark.parametrize("as_of, reason", [
    (None, "CSW_AS_OF is not set"),
    ("31/03/2025", "CSW_AS_OF is '31/03/2025'"),
    ("2025-02-29", "CSW_AS_OF is '2025-02-29'"),  # the shape of a date, but no such day
])
def test_sql_without_a_date_is_refused_with_the_reason_but_a_parse_needs_none(project, monkeypatch, as_of, reason):
    assert _dbt(project, monkeypatch, as_of, "ls", "--select", "int_periods").success
    refused = _dbt(project, monkeypatch, as_of, "compile", "--select", "int_periods")
    assert not refused.success
    messages = " ".join(getattr(r, "message", "") or "" for r in (getattr(refused.result, "results", None) or []))
    assert reason in messages + str(refused.exception or ""), messages
    assert "the build's as-of date (YYYY-MM-DD)" in messages + str(refused.exception or "")
