"""Each authority sees only its own children (issue 17, docs/row-level-security.md), on a real Postgres.

A copy of the demo warehouse (authority 841) gets a second authority's rows (840: the first rows of each
child-level mart and of the indicator values, relabelled), then `csw roles apply` makes bi_reader_841,
bi_reader_840 and bi_regional. Logins that are members of each role read: a reader exactly its authority's
child-level rows and every authority's aggregates; bi_regional the aggregates only, every child-level mart
refused; bi_reader (roles.sql's single-authority login) the home authority's rows. Re-applying changes
nothing, and a mart dbt rebuilds comes back with the same policies and grants.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass

import psycopg
import pytest

from csw.roles import mart_access
from foundation.settings import DBT_PROJECT_DIR
from tests.server.conftest import (AS_OF, BI_READER_PASSWORD, ETL_PASSWORD, ROLES_SQL, ROOT, connect_postgres_as,
                                  run_csw)

pytestmark = pytest.mark.slow

HOME, SECOND = "841", "840"  # the demo's Darlington, and County Durham beside it
SECOND_ROWS = {"fct_referrals": 7, "fct_assessments": 5, "fct_cp_plans": 4, "fct_cla_episodes": 3,
               "fct_indicator_values": 11}
CHILD_LEVEL = sorted(name for name, access in mart_access().items() if access == "child_level")
AGGREGATE = sorted(name for name, access in mart_access().items() if access == "aggregate")
LOGINS = {"hub_reader_841": "bi_reader_841", "hub_reader_840": "bi_reader_840", "hub_regional": "bi_regional"}
PERSONAL = ("name", "birth", "dob", "address", "postcode", "person_id", "upn", "nhs")


@dataclass
class Hub:
    env: dict[str, str]
    applied: str  # stdout of the first `csw roles apply`


def _etl(env):
    con = connect_postgres_as(env)
    con.execute("set session characteristics as transaction read write")
    return con


def _add_second_authority(etl, marts=SECOND_ROWS) -> None:
    """The first n rows of each mart (in its column order) again, as authority 840's."""
    for mart, n in marts.items():
        columns = [r[0] for r in etl.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = $1 "
            "order by ordinal_position", [mart]).fetchall()]
        listed = ", ".join(columns)
        chosen = ", ".join(f"'{SECOND}'" if c == "la_code" else c for c in columns)
        etl.execute(f"insert into marts.{mart} ({listed}) select {chosen} from marts.{mart} "
                    f"where la_code = '{HOME}' order by {listed} limit {n}")


@pytest.fixture(scope="module")
def hub(demo_runs, pg_cluster) -> Hub:
    name = f"csw_hub_{uuid.uuid4().hex[:8]}"
    pg_cluster.psql("-c", f'create database "{name}" template "{demo_runs.database}"')
    # a copy has the tables but not the database's own grants (etl's CREATE, which dbt needs): roles.sql again
    pg_cluster.psql("-v", f"etl_password={ETL_PASSWORD}", "-v", f"bi_reader_password={BI_READER_PASSWORD}",
                    "-f", str(ROLES_SQL), database=name)
    env = {**demo_runs.postgres.env, "CSW_PG_DATABASE": name, "CSW_WAREHOUSE_ADMIN_USER": pg_cluster.superuser,
           "CSW_WAREHOUSE_ADMIN_PASSWORD": ""}
    etl = _etl(env)
    try:
        _add_second_authority(etl)
    finally:
        etl.close()
    applied = run_csw(["roles", "apply"], env)
    for login, role in LOGINS.items():
        pg_cluster.psql("-c", f"create role {login} login password 'hub' in role {role}", database=name)
    return Hub(env=env, applied=applied)


@pytest.fixture
def etl(hub):
    con = _etl(hub.env)
    yield con
    con.close()


def _as(hub: Hub, login: str):
    password = BI_READER_PASSWORD if login == "bi_reader" else "hub"
    return connect_postgres_as(hub.env, user=login, password=password)


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_roles_apply_names_the_authorities_found_in_the_marts(hub):
    assert "roles: bi_regional, bi_reader_840, bi_reader_841 (created: bi_regional, bi_reader_840, bi_reader_841)" \
        in hub.applied
    assert "row-level security applied for 2 authorities (840, 841)" in hub.applied


@pytest.mark.parametrize("mart", CHILD_LEVEL)
@pytest.mark.parametrize("login, la_code", [("hub_reader_841", HOME), ("hub_reader_840", SECOND), ("bi_reader", HOME)])
def test_a_reader_sees_exactly_its_own_authority_s_child_level_rows(hub, etl, mart, login, la_code):
    own = _rows(etl, f"select * from marts.{mart} where la_code = '{la_code}'")
    if la_code == SECOND:
        assert len(own) == SECOND_ROWS[mart]
    else:
        assert len(own) > SECOND_ROWS[mart]  # the demo's own rows: more than were copied
    reader = _as(hub, login)
    try:
        assert _rows(reader, f"select * from marts.{mart}") == own
        assert reader.execute(f"select count(*) from marts.{mart} where la_code <> '{la_code}'").fetchone() == (0,)
    finally:
        reader.close()


@pytest.mark.parametrize("mart", AGGREGATE)
@pytest.mark.parametrize("login", ["hub_reader_841", "hub_reader_840", "hub_regional"])
def test_every_reader_and_the_region_read_every_authority_s_aggregates(hub, etl, mart, login):
    everything = _rows(etl, f"select * from marts.{mart}")
    reader = _as(hub, login)
    try:
        assert _rows(reader, f"select * from marts.{mart}") == everything
        if mart == "fct_indicator_values":
            assert dict(reader.execute("select la_code, count(*) from marts.fct_indicator_values group by 1")
                        .fetchall())[SECOND] == SECOND_ROWS[mart]
    finally:
        reader.close()


@pytest.mark.parametrize("mart", CHILD_LEVEL)
def test_the_region_is_refused_every_child_level_mart(hub, mart):
    regional = _as(hub, "hub_regional")
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"permission denied for table {mart}"):
            regional.execute(f"select count(*) from marts.{mart}")
    finally:
        regional.close()


@pytest.mark.parametrize("login", list(LOGINS))
def test_no_reader_reads_outside_marts(hub, login):
    reader = _as(hub, login)
    try:
        for relation in ("raw._child_keys", "raw.case_system__ssd_person", "staging.stg_case_system__referrals",
                         "intermediate.int_periods", "dq.runs"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"select 1 from {relation} limit 1")
    finally:
        reader.close()


def test_a_reader_can_neither_turn_row_security_off_nor_write(hub):
    reader = _as(hub, "hub_reader_840")
    try:
        reader.execute("set row_security = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security policy"):
            reader.execute("select count(*) from marts.fct_referrals")
        reader.execute("reset row_security")
        reader.execute("set session characteristics as transaction read write")
        for statement in (f"insert into marts.fct_referrals (la_code) values ('{SECOND}')",
                          f"update marts.fct_referrals set la_code = '{SECOND}'",
                          "alter table marts.fct_referrals disable row level security"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)
    finally:
        reader.close()


def test_no_mart_carries_a_name_address_or_date_of_birth(etl):
    columns = etl.execute("select table_name, column_name from information_schema.columns "
                          "where table_schema = 'marts'").fetchall()
    tables = {table for table, _ in columns}
    assert set(CHILD_LEVEL) | set(AGGREGATE) <= tables
    personal = [(t, c) for t, c in columns if any(word in c for word in PERSONAL)
                and (t, c) != ("dim_local_authorities", "la_name")]  # the authority's name, not a person's
    assert personal == []
    for mart in CHILD_LEVEL:  # what a reader's rows are keyed by: the pseudonymous key and the authority
        assert {(mart, "child_key"), (mart, "la_code")} <= set(columns)


def _security(etl) -> dict[str, list[tuple]]:
    return {
        "tables": etl.execute(
            "select relname, relrowsecurity, relforcerowsecurity, coalesce(relacl::text, '') from pg_class "
            "where relnamespace = 'marts'::regnamespace and relkind in ('r', 'v') order by 1").fetchall(),
        "policies": etl.execute(
            "select tablename, policyname, roles::text, cmd, qual, with_check from pg_policies "
            "where schemaname = 'marts' order by 1, 2").fetchall(),
        "roles": etl.execute(
            "select rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolbypassrls "
            "from pg_roles where rolname like 'bi\\_%' order by 1").fetchall(),
        "database": etl.execute("select datacl::text from pg_database where datname = current_database()").fetchall(),
        "schema": etl.execute("select nspacl::text from pg_namespace where nspname = 'marts'").fetchall(),
    }


def test_the_policies_are_one_per_reader_and_the_owner_on_each_child_level_mart(etl):
    security = _security(etl)

    def readable(qual):  # Postgres deparses `la_code = '840'` with a cast when the column is varchar, not text
        return qual and re.sub(r"\(la_code\)::text", "la_code", qual).removeprefix("(").removesuffix(")")

    for mart in CHILD_LEVEL:
        assert [(*p[1:4], readable(p[4]), p[5]) for p in security["policies"] if p[0] == mart] == [
            ("bi_reader_840", "{bi_reader_840}", "SELECT", "la_code = '840'::text", None),
            ("bi_reader_841", "{bi_reader_841}", "SELECT", "la_code = '841'::text", None),
            ("bi_reader_home_841", "{bi_reader}", "SELECT", "la_code = '841'::text", None),
            ("csw_owner", "{etl}", "ALL", "true", "true"),
        ]
    assert {p[0] for p in security["policies"]} == set(CHILD_LEVEL)
    flags = {t[0]: t[1:3] for t in security["tables"]}
    assert {mart: flags[mart] for mart in CHILD_LEVEL} == dict.fromkeys(CHILD_LEVEL, (True, True))
    assert {mart: flags[mart] for mart in AGGREGATE} == dict.fromkeys(AGGREGATE, (False, False))
    assert [r[:2] for r in security["roles"]] == [
        ("bi_reader", True), ("bi_reader_840", False), ("bi_reader_841", False), ("bi_regional", False)]


def test_re_applying_changes_nothing(hub, etl):
    before = _security(etl)
    again = run_csw(["roles", "apply"], hub.env)
    assert "roles: bi_regional, bi_reader_840, bi_reader_841 (all existed)" in again
    assert _security(etl) == before


def test_a_mart_dbt_rebuilds_keeps_its_policies_and_grants(hub, etl):
    """Last here: the rebuilt marts lose the copied rows of 840 (dbt recomputes them from the 841 extract)."""
    before = _security(etl)
    # rpt_scorecard, a view on fct_indicator_values, goes with the old table (dbt drops it cascading): rebuilt too
    rebuilt = ["fct_referrals", "fct_indicator_values", "rpt_scorecard"]
    oids = dict(etl.execute("select relname, oid from pg_class where relnamespace = 'marts'::regnamespace "
                            "and relname = any($1)", [rebuilt]).fetchall())
    result = subprocess.run(
        [shutil.which("dbt", path=hub.env["PATH"]), "run", "--select", *rebuilt, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "postgres",
         "--vars", f'{{"la_code": "{HOME}"}}'],
        env={**hub.env, "CSW_AS_OF": str(AS_OF)}, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    new_oids = dict(etl.execute("select relname, oid from pg_class where relnamespace = 'marts'::regnamespace "
                                "and relname = any($1)", [rebuilt]).fetchall())
    assert set(new_oids) == set(rebuilt) and all(new_oids[t] != oids[t] for t in rebuilt)  # new tables
    after = _security(etl)
    for part in before:
        assert after[part] == before[part], part
    reader = _as(hub, "hub_reader_840")
    try:  # 840's copied rows are gone with the old table; the new one shows 840 nothing of 841's
        assert reader.execute("select count(*) from marts.fct_referrals").fetchone() == (0,)
        assert reader.execute("select count(*) from marts.fct_cp_plans").fetchone() == (SECOND_ROWS["fct_cp_plans"],)
    finally:
        reader.close()
