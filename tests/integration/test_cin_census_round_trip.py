"""Round trip of the CIN census at the raw level (issue 15 point 5, the census part): the shared demo run (the
session `pipeline` fixture) is exported with `csw export cin --year 2024-25`, the XML alone is landed in a
fresh warehouse with `csw ingest`, and every module the manifest counts arrives with its count, under the same
child_keys the original warehouse gave the same children."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.integration.conftest import pipeline_env, run_csw

# manifest count -> the raw table its rows land in
COUNTED_IN = {"children": "children", "cin_details": "referrals", "assessments": "assessments",
              "cin_plans": "cin_plans", "section47": "section47", "cp_plans": "cp_plans", "cp_reviews": "cp_reviews"}


@pytest.fixture(scope="module")
def round_trip(pipeline, tmp_path_factory):
    """(the manifest's counts, the fresh warehouse) after exporting the demo's 2024-25 census and loading it."""
    out = tmp_path_factory.mktemp("cin-export")
    run_csw(["export", "cin", "--year", "2024-25", "--out", str(out)], pipeline.env)
    folder = out / "cin" / "841" / "2024-25"
    landing = tmp_path_factory.mktemp("cin-landing")
    (landing / "cin_census").mkdir()
    (folder / "cin_census_841_2024-25.xml").rename(landing / "cin_census" / "cin_census_841_2024-25.xml")
    env = pipeline_env(tmp_path_factory.mktemp("cin-fresh"))
    result = run_csw(["ingest", "--landing", str(landing)], env)
    assert "loaded: 1 " in result.stdout and "quarantined: 0" in result.stdout, result.stdout
    [entry] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    return entry["counts"], env["CSW_WAREHOUSE"]


def test_every_counted_module_arrives_with_the_manifests_count(round_trip):
    counts, warehouse = round_trip
    with duckdb.connect(warehouse, read_only=True) as con:
        loaded = {name: con.execute(f"select count(*) from raw.cin_census__{table}").fetchone()[0]
                  for name, table in COUNTED_IN.items()}
        years = con.execute("select distinct collection_year, _source_file from raw.cin_census__referrals").fetchall()
    assert loaded == counts
    assert counts["children"] > 100 and counts["section47"] > 10 and counts["cp_plans"] > 10  # a real demo year
    assert years == [("2024-25", "cin_census_841_2024-25.xml")]


def test_the_same_children_get_the_same_child_keys(pipeline, round_trip):
    counts, warehouse = round_trip
    with duckdb.connect(warehouse, read_only=True) as con:
        fresh = dict(con.execute("select person_id, child_key from raw._child_keys").fetchall())
        census_children = {p for (p,) in con.execute("select person_id from raw.cin_census__children").fetchall()}
    with pipeline.connect() as con:
        original = dict(con.execute("select person_id, child_key from raw._child_keys").fetchall())
    assert set(fresh) == census_children and len(fresh) == counts["children"]
    assert {p: original[p] for p in fresh} == fresh
