"""The CIN census from the Postgres warehouse is the DuckDB one, element for element (the shared `demo_runs`)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from tests.server.conftest import run_csw


def _census(run) -> bytes:
    out = Path(tempfile.mkdtemp(dir=run.output.parent, prefix="cin-"))
    run_csw(["export", "cin", "--year", "2024-25", "--out", str(out)], run.env)
    text = (out / "cin" / "841" / "2024-25" / "cin_census_841_2024-25.xml").read_bytes()
    return re.sub(rb"<DateTime>[^<]*</DateTime>", b"<DateTime/>", text)  # the moment each was written


def test_the_cin_census_is_the_same_from_both_engines(demo_runs):
    on_duckdb, on_postgres = _census(demo_runs.duckdb), _census(demo_runs.postgres)
    assert on_duckdb.count(b"<Child>") > 100
    assert on_postgres == on_duckdb
