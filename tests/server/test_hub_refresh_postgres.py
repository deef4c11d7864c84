"""Incremental refresh by authority on Postgres (issue 17 point 3, csw/refresh.py): the whole dbt project, a hub of
two authorities, a day of one authority's files, against a full rebuild, row for row.

Two generated authorities (841, 840) are ingested into a fresh Postgres warehouse and built in full; a day of 841's
files (`land_a_day`: the newest file of each of its own feeds, every ninth row left out) is ingested; one of 840's
rows of a staging table the day rebuilds is changed by hand; the build is incremental for 841 alone (the project's
Postgres table materialization, macros/materializations/table_postgres.sql). A copy of that database (`create
database … template`) is rebuilt with `csw build --full`, and every relation of staging, intermediate and marts is
compared with it as a multiset of rows: all equal but the planted row, which the narrowed build kept and the full
one put right. tests/integration/test_hub_equals_alone.py does the same on DuckDB.

dbt's unit and data tests are left out of every build here (rows, not tests: they run in the parity run)."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import build_line, land_a_day
from tests.integration.test_hub_equals_alone import SECRET_840
from tests.server.conftest import AS_OF, BI_READER_PASSWORD, ETL_PASSWORD, ROLES_SQL, _env, connect_postgres_as, run_csw

pytestmark = pytest.mark.slow

PLANTED = ("staging.stg_health__assessments", "planted by the test")
SCHEMAS = ("staging", "intermediate", "marts")


@pytest.fixture(scope="module")
def day(tmp_path_factory, pg_cluster, pg_database) -> dict:
    base = tmp_path_factory.mktemp("pg_hub_day")
    database = pg_database("csw_hub_day")
    env = _env(base, {**pg_cluster.env(database, "etl", ETL_PASSWORD), **WITHOUT_DBT_UNIT_TESTS,
                      "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test test", "CSW_PSEUDONYMISATION_SECRET_840": SECRET_840})
    generated = base / "generated"
    run_csw(["generate", "--out", str(generated), "--la", "841,840", "--scale", "0.05", "--seed", "7"], env)
    shutil.copytree(generated, base / "landing")
    run_csw(["ingest", "--landing", str(base / "landing"), "--as-of", AS_OF], env)
    first = build_line(run_csw(["build", "--as-of", AS_OF], env))

    land_a_day(generated / "841", base / "day" / "841")
    run_csw(["ingest", "--landing", str(base / "day"), "--as-of", AS_OF], env)
    etl = connect_postgres_as(env)  # read-only by default, autocommit
    try:
        etl.execute("set session characteristics as transaction read write")
        etl.execute(f"update {PLANTED[0]} set provider = $1 where la_code = '840' and assessment_id = "
                    f"(select min(assessment_id) from {PLANTED[0]} where la_code = '840')", [PLANTED[1]])
    finally:
        etl.close()
    incremental = build_line(run_csw(["build", "--as-of", AS_OF], env))

    full = f"{database}_full"
    pg_cluster.psql("-c", f'create database "{full}" template "{database}"')
    # a copy has the tables but not the database's own grants (etl's CREATE, which dbt needs): roles.sql again
    pg_cluster.psql("-v", f"etl_password={ETL_PASSWORD}", "-v", f"bi_reader_password={BI_READER_PASSWORD}",
                    "-f", str(ROLES_SQL), database=full)
    full_env = {**env, "CSW_PG_DATABASE": full}
    rebuilt = build_line(run_csw(["build", "--as-of", AS_OF, "--full"], full_env))
    return {"env": env, "full_env": full_env, "lines": {"first": first, "incremental": incremental, "full": rebuilt}}


def _rows(env: dict[str, str]) -> dict[str, Counter]:
    """Each relation of SCHEMAS → its rows as a multiset."""
    con = connect_postgres_as(env)
    try:
        relations = con.execute("select table_schema, table_name from information_schema.tables "
                                "where table_schema = any($1) order by 1, 2", [list(SCHEMAS)]).fetchall()
        return {f"{schema}.{table}": Counter(map(tuple, con.execute(f"select * from {schema}.{table}").fetchall()))
                for schema, table in relations}
    finally:
        con.close()


def test_the_day_builds_841s_rows_alone_and_equals_a_full_rebuild_on_postgres(day):
    assert day["lines"]["first"].startswith("dbt build (target postgres, as of 2025-03-31), full build: ")
    assert " incremental build: " in day["lines"]["incremental"]
    assert "authority 841): only what depends on them, only this authority's rows" in day["lines"]["incremental"]
    assert " full build: asked for (--full)" in day["lines"]["full"]
    narrowed, full = _rows(day["env"]), _rows(day["full_env"])
    assert sorted(narrowed) == sorted(full) and len(narrowed) > 200
    differing = {name: (sum((narrowed[name] - full[name]).values()), sum((full[name] - narrowed[name]).values()))
                 for name in narrowed if narrowed[name] != full[name]}
    # the planted row of 840: kept by the narrowed build, put right by the full one; every other row the same
    assert differing == {PLANTED[0]: (1, 1)}
    planted = [row for row in narrowed[PLANTED[0]] if PLANTED[1] in row]
    assert len(planted) == 1 and planted[0][0] == "840"
