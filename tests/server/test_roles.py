"""Access control on the Postgres warehouse (deploy/postgres/roles.sql): bi_reader reads marts and nothing else."""

from __future__ import annotations

import pytest

from tests.server.conftest import BI_READER_PASSWORD, connect_postgres_as

pytestmark = pytest.mark.slow

FORBIDDEN = [
    "raw._child_keys",
    "raw._loads",
    "raw.case_system__ssd_person",
    "seeds.indicator_catalogue",
    "staging.stg_case_system__referrals",
    "intermediate.int_periods",
    "dq.runs",
    "dq.check_results",
]


@pytest.fixture
def bi_reader(demo_runs):
    con = connect_postgres_as(demo_runs.postgres.env, user="bi_reader", password=BI_READER_PASSWORD)
    yield con
    con.close()


@pytest.fixture
def etl(demo_runs):
    con = connect_postgres_as(demo_runs.postgres.env)
    con.execute("set session characteristics as transaction read write")
    yield con
    con.close()


def test_bi_reader_reads_every_mart(bi_reader, etl):
    marts = [r[0] for r in etl.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    assert "fct_indicator_values" in marts and "dim_indicators" in marts
    for table in marts:
        bi_reader.execute(f"select count(*) from marts.{table}").fetchall()
    assert bi_reader.execute("select count(*) from marts.fct_indicator_values").fetchone()[0] > 1000


@pytest.mark.parametrize("relation", FORBIDDEN)
def test_bi_reader_cannot_read_outside_marts(bi_reader, etl, relation):
    import psycopg

    schema, table = relation.split(".")
    assert etl.execute("select count(*) from information_schema.tables where table_schema = $1 and table_name = $2",
                       [schema, table]).fetchone()[0] == 1, f"{relation} should exist for this test to mean anything"
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        bi_reader.execute(f"select * from {relation} limit 1")


def test_bi_reader_cannot_write_or_create(bi_reader):
    import psycopg

    bi_reader.execute("set session characteristics as transaction read write")
    for statement in ("create table marts.bi_scratch (x int)", "create table public.bi_scratch (x int)",
                      "delete from marts.fct_indicator_values", "create schema bi_scratch"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bi_reader.execute(statement)


def test_a_mart_created_later_by_etl_is_readable_by_bi_reader(bi_reader, etl):
    etl.execute("create table marts.later_mart as select 1 as x")
    try:
        assert bi_reader.execute("select x from marts.later_mart").fetchall() == [(1,)]
    finally:
        etl.execute("drop table marts.later_mart")


def test_etl_owns_every_warehouse_object(etl):
    owners = etl.execute(
        "select schemaname, tablename, tableowner from pg_tables "
        "where schemaname in ('raw', 'seeds', 'staging', 'intermediate', 'marts', 'dq') "
        "union all select schemaname, viewname, viewowner from pg_views "
        "where schemaname in ('raw', 'seeds', 'staging', 'intermediate', 'marts', 'dq')").fetchall()
    assert len(owners) > 100
    assert {owner for _, _, owner in owners} == {"etl"}
    schema_owners = dict(etl.execute(
        "select nspname, pg_get_userbyid(nspowner) from pg_namespace "
        "where nspname in ('raw', 'seeds', 'staging', 'intermediate', 'marts', 'dq')").fetchall())
    assert schema_owners == dict.fromkeys(("raw", "seeds", "staging", "intermediate", "marts", "dq"), "etl")
