"""One generated LA-sized extract and one full `csw run` over it, shared by the integration tests.

The run is built once per session, by whichever xdist worker asks first (a file lock in the directory the
workers' temp dirs share); each worker then reads its own copy of the warehouse and output, so the tests that
use it spread over both workers by module (tests/conftest.py) and a test that writes (the rerun) never meets
another worker's reader."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
CSW = [sys.executable, "-m", "csw.cli"]
AS_OF = "2025-03-31"


@dataclass
class PipelineRun:
    landing: Path
    warehouse: Path
    output: Path
    env: dict[str, str]
    stdout: str

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)


def pipeline_env(base: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CSW_WAREHOUSE=str(base / "warehouse" / "csw.duckdb"),
        CSW_QUARANTINE=str(base / "quarantine"),
        CSW_OUTPUT=str(base / "output"),
        CSW_LA_CODE="841",
        PYTHONPATH=str(ROOT),
        DO_NOT_TRACK="1",
    )
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_csw(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([*CSW, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"csw {' '.join(args)} exited {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def dbt_build(env: dict[str, str], *select: str, la_code: str = "841") -> None:
    """`dbt build` of the `select`ed models on env's DuckDB warehouse, without tests (unit tests run in the `pipeline`
    run): for a test that needs only part of the project rebuilt after a load."""
    project = str(ROOT / "dbt_project")
    args = [str(Path(sys.executable).parent / "dbt"), "build", "--project-dir", project, "--profiles-dir", project,
            "--target", "duckdb", "--vars", json.dumps({"la_code": la_code}),
            "--select", *select, "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test", "test"]
    result = subprocess.run(args, env={**env, "CSW_TARGET": "duckdb", "CSW_AS_OF": AS_OF}, cwd=project,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:]


def _build_pipeline(base: Path) -> None:
    env = pipeline_env(base)
    landing = base / "landing"
    run_csw(["generate", "--out", str(landing), "--seed", "7"], env)
    result = run_csw(["run", "--landing", str(landing), "--as-of", AS_OF], env)
    (base / "run.stdout").write_text(result.stdout)


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> PipelineRun:
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # no xdist: this session's own run
        base = tmp_path_factory.mktemp("pipeline")
        _build_pipeline(base)
        return PipelineRun(base / "landing", Path(pipeline_env(base)["CSW_WAREHOUSE"]), base / "output",
                           pipeline_env(base), (base / "run.stdout").read_text())
    shared = tmp_path_factory.getbasetemp().parent / "pipeline-shared"  # this session's, common to its workers
    with FileLock(str(shared) + ".lock"):
        if not (shared / "run.stdout").exists():
            shutil.rmtree(shared, ignore_errors=True)  # a build that failed part-way starts again
            shared.mkdir()
            _build_pipeline(shared)
    base = tmp_path_factory.mktemp("pipeline")
    for part in ("warehouse", "output", "quarantine"):
        if (shared / part).exists():
            shutil.copytree(shared / part, base / part)
    env = pipeline_env(base)
    return PipelineRun(shared / "landing", Path(env["CSW_WAREHOUSE"]), base / "output", env,
                       (shared / "run.stdout").read_text())


def indicator_values(con: duckdb.DuckDBPyConnection, start, end, table: str = "fct_indicator_values",
                     detail: tuple[str, ...] = ()) -> dict[tuple, tuple]:
    """(indicator, period type, period label, *detail) -> (numerator, denominator, value) of authority 841's
    periods inside [start, end]: what a round trip (a statutory return exported and loaded again) compares."""
    keys = ", ".join(("indicator_id", "period_type", "period_label", *detail))
    rows = con.execute(f"select {keys}, numerator, denominator, value from marts.{table} "
                       "where la_code = '841' and period_start >= $1 and period_end <= $2", [start, end]).fetchall()
    return {row[:-3]: row[-3:] for row in rows}


def differences(left: Path, right: Path, schemas=("staging", "intermediate", "marts"),
                 only: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Each relation of `schemas` (those of `left`; with `only`, those named) → (rows only in left, rows only in
    right), multiset `except all`."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        relations = con.execute("select table_schema, table_name from information_schema.tables where table_catalog = 'l' "
                                f"and table_schema in ({', '.join(repr(s) for s in schemas)}) order by 1, 2").fetchall()
        relations = [(schema, table) for schema, table in relations if not only or f"{schema}.{table}" in only]
        assert relations, f"no relations of {schemas} in {left}"
        out = {}
        for schema, table in relations:
            out[f"{schema}.{table}"] = con.execute(
                f"select (select count(*) from (select * from l.{schema}.{table} except all "
                f"select * from r.{schema}.{table})), (select count(*) from (select * from r.{schema}.{table} "
                f"except all select * from l.{schema}.{table}))").fetchone()
        return out
    finally:
        con.close()


def land_a_day(generated: Path, landing: Path, every: int = 9) -> None:
    """A day of one authority's files: the newest file of each table of each of its own feeds in `generated` (an
    authority's generated folder; not the shared reference and benchmarks, whose files rebuild every row), without
    every `every`-th data row, under the same name in `landing` (that authority's landing folder)."""
    shared = ("reference", "benchmarks")
    for feed in sorted(p for p in generated.iterdir() if p.name not in shared):
        newest: dict[str, Path] = {}  # each table's newest file (dated names sort by date)
        for path in sorted(feed.glob("*.csv")):
            newest[path.stem.rstrip("0123456789").rstrip("_")] = path
        for path in newest.values():
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            target = landing / feed.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("".join([lines[0], *(line for n, line in enumerate(lines[1:], 1) if n % every)]),
                              encoding="utf-8")


def build_line(stdout: str) -> str:
    """The line a build prints first (`dbt build (target …), full build: …` or `…, incremental build: …`)."""
    return next(line for line in stdout.splitlines() if line.startswith("dbt build (target"))
