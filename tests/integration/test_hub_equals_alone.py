"""A regional hub's indicators equal each authority's own (issue 17, docs/regional-hub.md).

One generated landing folder of two authorities (`csw generate --la 841,840`, `<landing>/<la_code>/<feed>/`) is
ingested into one warehouse and built; each authority's folder is also ingested alone (the flat layout, CSW_LA_CODE
its code, its own secret) into a warehouse of its own and built. Every indicator value and breakdown row of each
authority in the hub equals the alone warehouse's, row for row: nothing of one authority (a newer snapshot, a
colliding case-system id, a period, a population) reaches the other's figures.

Cost: the hub goes through `csw run` (ingest, build, the checks per authority, one return per authority); the
alone builds select only what the two indicator marts read (`+fct_indicator_values +fct_indicator_breakdowns`) and
skip data tests. dbt's unit tests run elsewhere (WITHOUT_DBT_UNIT_TESTS). Measured on the shared 2-core machine:
150 to 185 s with the hub built the same way as the alone ones (load 3.5 to 5), nearly all of it the three dbt
builds' fixed cost, not the 91,000 generated rows; the hub's checks and exports add about 25 s.

A day of one authority's files on the hub (841's newest file of each of its own feeds, every ninth row left out)
builds incrementally for 841 alone: every model downstream of those tables, of 841's rows where a model's rows are
each authority's own (csw/refresh.py, macros/materializations/authority_rows.sql). Every relation then equals a
full rebuild of the same raw rows, row for row, but for one row of 840 planted in a staging table before the build,
which the build kept (it replaced 841's rows alone) and the full rebuild put right; 840's marts rows are as
before."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from csw.dbt_manifest import manifest_path
from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import (AS_OF, build_line, dbt_build, differences, land_a_day, pipeline_env,
                                        run_csw)

AUTHORITIES = ("841", "840")
SECRET_840 = "county-durham-own-secret-for-the-hub-test-0123456789"  # 841's is the tests' CSW_PSEUDONYMISATION_SECRET
MARTS = ("fct_indicator_values", "fct_indicator_breakdowns")


def rows(warehouse: Path, table: str, la_code: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return sorted(con.execute(f"select * from marts.{table} where la_code = $1", [la_code]).fetchall(), key=repr)
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> dict:
    """'hub' and each authority code → its warehouse, built from one generated two-authority landing folder (and
    the hub's run: its output, output folder and environment; the generated folder)."""
    base = tmp_path_factory.mktemp("hub")
    generated = base / "generated"
    env = {**pipeline_env(base / "hub"), **WITHOUT_DBT_UNIT_TESTS, "CSW_PSEUDONYMISATION_SECRET_840": SECRET_840}
    run_csw(["generate", "--out", str(generated), "--la", ",".join(AUTHORITIES), "--scale", "0.05", "--seed", "7"], env)
    assert sorted(p.name for p in generated.iterdir()) == sorted(AUTHORITIES)

    shutil.copytree(generated, base / "hub" / "landing")
    # the hub goes the whole way (ingest, build, checks per authority, one return per authority)
    hub_output = run_csw(["run", "--landing", str(base / "hub" / "landing"), "--as-of", AS_OF], env).stdout
    built = {"hub": Path(env["CSW_WAREHOUSE"]), "hub_output": hub_output, "hub_out": Path(env["CSW_OUTPUT"]),
             "hub_env": env, "generated": generated}

    for la in AUTHORITIES:  # each folder alone: the flat layout, its authority CSW_LA_CODE, the same secret
        alone = base / la
        shutil.copytree(generated / la, alone / "landing")
        alone_env = {**pipeline_env(alone), **WITHOUT_DBT_UNIT_TESTS, "CSW_LA_CODE": la}
        if la == "840":
            alone_env["CSW_PSEUDONYMISATION_SECRET_840"] = SECRET_840
        run_csw(["ingest", "--landing", str(alone / "landing"), "--as-of", AS_OF], alone_env)
        dbt_build(alone_env, *(f"+{mart}" for mart in MARTS), la_code=la)
        built[la] = Path(alone_env["CSW_WAREHOUSE"])
    return built


def test_the_hub_holds_both_authorities_each_with_its_own_keys(warehouses):
    con = duckdb.connect(str(warehouses["hub"]), read_only=True)
    try:
        assert con.execute("select _la_code, count(*) > 0 from raw.case_system__ssd_person group by 1 "
                           "order by 1").fetchall() == [("840", True), ("841", True)]
        # the same case-system id in both authorities (generated ids collide) keyed apart
        shared = con.execute("select count(*) from raw._child_keys as a inner join raw._child_keys as b "
                             "on a.person_id = b.person_id and a.la_code = '841' and b.la_code = '840' "
                             "where a.child_key <> b.child_key").fetchone()[0]
        assert shared > 0
        # each authority's own snapshot is current (840's newer batch does not hide 841's), ids colliding
        staged = con.execute("select la_code, count(*), count(distinct referral_id) "
                             "from staging.stg_case_system__referrals group by 1 order by 1").fetchall()
        raw = con.execute("select _la_code, count(*), count(distinct cine_referral_id) "
                          "from raw.case_system__ssd_cin_episodes group by 1 order by 1").fetchall()
        assert staged == raw and all(n > 0 for _, n, _ in staged)
        periods = con.execute("select la_code, count(*) from intermediate.int_periods group by 1 order by 1").fetchall()
        assert [la for la, _ in periods] == ["840", "841"] and periods[0][1] == periods[1][1]
    finally:
        con.close()


@pytest.mark.parametrize("table", MARTS)
@pytest.mark.parametrize("la_code", AUTHORITIES)
def test_each_authoritys_indicators_in_the_hub_equal_its_own_warehouse(warehouses, la_code, table):
    hub = rows(warehouses["hub"], table, la_code)
    alone = rows(warehouses[la_code], table, la_code)
    assert len(hub) > 1000  # every indicator x period of the window (breakdowns: the values that occur)
    assert hub == alone
    other = next(la for la in AUTHORITIES if la != la_code)
    assert rows(warehouses[la_code], table, other) == []  # the alone warehouse holds its authority only


def test_csw_run_on_the_hub_checks_both_and_writes_one_return_per_authority(warehouses):
    out = warehouses["hub_output"]
    assert "0 blocking failures" in out and "regional return 2024-25Q4 for 2 authorities: 840, 841" in out
    for la in AUTHORITIES:
        folder = warehouses["hub_out"] / "regional" / la / "2024-25Q4"
        assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", f"return_{la}_2024-25Q4.csv",
                                                            f"return_{la}_2024-25Q4.xlsx"]
        with open(folder / f"return_{la}_2024-25Q4.csv", newline="") as f:
            assert {row["la_code"] for row in csv.DictReader(f)} == {la}


def test_the_two_authorities_figures_differ(warehouses):
    """The equality above is not two copies of one authority: their referral counts differ."""
    con = duckdb.connect(str(warehouses["hub"]), read_only=True)
    try:
        counts = dict(con.execute("select la_code, sum(numerator) from marts.fct_indicator_values "
                                  "where indicator_id = 'REF_COUNT' and period_type = 'year' group by 1").fetchall())
    finally:
        con.close()
    assert counts["841"] > 0 and counts["840"] > counts["841"]  # County Durham is the larger authority


# An authority-local table under the day's files, and what the test writes into one of 840's rows before the build
PLANTED = ("staging.stg_health__assessments", "planted by the test")


@pytest.fixture(scope="module")
def one_authoritys_day(warehouses, tmp_path_factory) -> dict:
    """The hub after a day of 841's files built incrementally ('incremental', its build line 'line'), and a copy
    of it rebuilt in full ('full'); 'before' is the hub as `csw run` left it."""
    base = tmp_path_factory.mktemp("hub_day")
    landing, incremental, full = base / "landing", base / "incremental.duckdb", base / "full.duckdb"
    land_a_day(warehouses["generated"] / "841", landing / "841")
    shutil.copy(warehouses["hub"], incremental)
    env = {**warehouses["hub_env"], "CSW_WAREHOUSE": str(incremental), "CSW_QUARANTINE": str(base / "quarantine")}
    run_csw(["ingest", "--landing", str(landing), "--as-of", AS_OF], env)
    con = duckdb.connect(str(incremental))  # a row of 840 that only a rebuild of 840's rows would put right
    try:
        con.execute(f"update {PLANTED[0]} set provider = $1 where la_code = '840' and assessment_id = "
                    f"(select min(assessment_id) from {PLANTED[0]} where la_code = '840')", [PLANTED[1]])
    finally:
        con.close()
    built = run_csw(["build", "--as-of", AS_OF], env).stdout
    shutil.copy(incremental, full)
    run_csw(["build", "--as-of", AS_OF, "--full"],
            {**env, "CSW_WAREHOUSE": str(full), "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test test"})  # rows, not tests
    return {"before": warehouses["hub"], "incremental": incremental, "full": full,
            "line": build_line(built)}


def test_a_day_of_one_authoritys_files_rebuilds_its_rows_alone_and_equals_a_full_rebuild(one_authoritys_day):
    line = one_authoritys_day["line"]
    assert " incremental build: " in line
    assert "authority 841): only what depends on them, only this authority's rows" in line
    found = differences(one_authoritys_day["incremental"], one_authoritys_day["full"])
    assert len(found) > 200 and sum(name.startswith("marts.") for name in found) == 10
    # the one row planted in 840's rows before the build: kept by it (841's rows alone were replaced), put right
    # by the full rebuild; every other row of every relation the same
    assert {name: d for name, d in found.items() if d != (0, 0)} == {PLANTED[0]: (1, 1)}
    con = duckdb.connect(str(one_authoritys_day["incremental"]), read_only=True)
    try:
        assert con.execute(f"select la_code from {PLANTED[0]} where provider = $1", [PLANTED[1]]).fetchall() == [
            ("840",)]
    finally:
        con.close()


@pytest.mark.parametrize("table", MARTS)
def test_the_day_changed_841s_figures_and_left_840s_rows_as_they_were(one_authoritys_day, table):
    before, after = one_authoritys_day["before"], one_authoritys_day["incremental"]
    assert rows(before, table, "840") == rows(after, table, "840")
    assert rows(before, table, "841") != rows(after, table, "841")


def test_every_table_whose_rows_are_each_authoritys_own_has_la_code(warehouses):
    """A model that says its rows are each authority's own (dbt_project.yml, `authority_local`) but has no la_code
    is refused by the narrowed build (macros/materializations/authority_rows.sql): caught here, when it is written."""
    manifest = json.loads(manifest_path("duckdb").read_text(encoding="utf-8"))
    local = {(node["schema"], node["alias"]) for node in manifest["nodes"].values() if node["resource_type"] == "model"
             and node["config"]["materialized"] == "table" and node["config"]["meta"].get("authority_local")}
    con = duckdb.connect(str(warehouses["hub"]), read_only=True)
    try:
        columns = con.execute("select table_schema, table_name, list(lower(column_name)) from information_schema.columns "
                              "group by 1, 2").fetchall()
    finally:
        con.close()
    built = {(schema, table): names for schema, table, names in columns if (schema, table) in local}
    assert len(built) == len(local) > 200
    assert sorted(f"{schema}.{table}" for (schema, table), names in built.items() if "la_code" not in names) == []
