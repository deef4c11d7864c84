"""Per-authority loads running at once on Postgres, as the server's `ingest__<feed>` runs its mapped `load`s
(docs/regional-hub.md "Scaling out the hub"): two authorities' loads of every feed, four at a time in threads
(each with its own connection), land exactly what one sequential `load_landing` of the same files lands: every
file, row, child key and audit row, no batch id shared, nothing quarantined. Two loads whose transactions are
open together never take the same batch id (the highest id plus one, as before the sequence, would give both
the same). The split itself (`feed_authorities`, `load_feed(authority=…)`) runs here too, on Postgres."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from csw.cli import main
from foundation.settings import get_settings
from foundation.warehouse import connect, transaction
from ingest.contracts import FEEDS, all_tables
from ingest.core.load import _next_batch_id, ensure_raw_layer, feed_authorities, load_feed, load_landing
from tests.ingest.test_authorities import SECRET_840
from tests.ingest.test_feed_authorities import *  # noqa: F403 - the split's tests, collected here on Postgres
from tests.server.conftest import ETL_PASSWORD


@pytest.fixture
def settings(pg_settings):
    """The split's tests above get a fresh Postgres warehouse (as etl) instead of a DuckDB file."""
    return pg_settings


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """841 and 840 generated small (`csw generate --la 841,840 --scale 0.01`): 800 KB in 200-odd files."""
    out = tmp_path_factory.mktemp("region") / "landing"
    assert main(["generate", "--out", str(out), "--la", "841,840", "--scale", "0.01", "--seed", "3"]) == 0
    return out


def _database(pg_cluster, pg_database, base):
    """Settings for a fresh Postgres warehouse (as etl) with the hub's second secret."""
    env = pg_cluster.env(pg_database(), "etl", ETL_PASSWORD)
    return replace(base, pg_database=env["CSW_PG_DATABASE"])


def _snapshot(settings) -> dict:
    """What a load leaves, independent of the order files were loaded in."""
    con = connect(settings, read_only=True)
    try:
        rows = {t.raw_table: sorted(con.execute(f"select _la_code, _source_file, count(*) from raw.{t.raw_table} "
                                                "group by 1, 2").fetchall()) for t in all_tables()}
        loads = sorted(con.execute("select la_code, feed, table_name, file_name, outcome, row_count, sha256 "
                                   "from raw._loads").fetchall(), key=str)
        keys = sorted(con.execute("select la_code, person_id, child_key from raw._child_keys").fetchall())
    finally:
        con.close()
    return {"rows": rows, "loads": loads, "keys": keys}


def _batches(settings) -> tuple[list, list]:
    """(batch ids of raw._loads with the files they belong to, (table, batch id, authorities, files) of raw rows)."""
    con = connect(settings, read_only=True)
    try:
        loads = con.execute("select batch_id, count(distinct la_code || '/' || feed || '/' || file_name) "
                            "from raw._loads where outcome = 'loaded' group by 1").fetchall()
        rows = [(t.raw_table, *r) for t in all_tables() for r in con.execute(
            f"select _batch_id, count(distinct _la_code), count(distinct _source_file) from raw.{t.raw_table} "
            "group by 1").fetchall()]
    finally:
        con.close()
    return loads, rows


def test_two_authorities_loading_at_once_land_what_one_sequential_load_lands(
        generated, pg_cluster, pg_database, pg_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", SECRET_840)
    base = get_settings()
    sequential, parallel = _database(pg_cluster, pg_database, base), _database(pg_cluster, pg_database, base)
    shutil.copytree(generated, tmp_path / "one")
    shutil.copytree(generated, tmp_path / "many")

    con = connect(sequential)
    try:
        expected = load_landing(con, tmp_path / "one", sequential)
    finally:
        con.close()

    con = connect(parallel)
    try:  # what each ingest__<feed>'s `authorities` task returns
        splits = [(feed, key) for feed in FEEDS for key in feed_authorities(con, tmp_path / "many", feed, parallel)]
    finally:
        con.close()
    assert {key for _, key in splits} == {"840", "841"}

    def load(feed_and_authority):  # one mapped `load`: its own connection, one authority's files of one feed
        feed, authority = feed_and_authority
        own = connect(parallel)
        try:
            return load_feed(own, tmp_path / "many", feed, parallel, authority=authority)
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=4) as pool:  # both authorities, and one authority's feeds, at once
        reports = list(pool.map(load, splits))

    outcomes = [f for r in reports for f in r.files]
    assert len(outcomes) == len(expected.files) > 150
    assert {f.outcome for f in outcomes} == {"loaded"} == {f.outcome for f in expected.files}
    assert sum(f.rows for f in outcomes) == expected.rows_loaded
    assert _snapshot(parallel) == _snapshot(sequential)  # every row, audit row and child key, nothing lost
    loads, rows = _batches(parallel)
    assert len(loads) == len({f"{f.authority}/{f.feed}/{f.file_name}" for f in outcomes})
    assert all(files == 1 for _, files in loads)  # a batch id is one file's
    assert rows and all(authorities == 1 and files == 1 for _, _, authorities, files in rows)
    by_authority = {a: sum(f.rows for f in outcomes if f.authority == a) for a in ("841", "840")}
    assert by_authority["840"] > by_authority["841"] > 0  # County Durham is the bigger (its population)


def test_loads_with_transactions_open_together_never_share_a_batch_id(pg_settings):
    first, second = connect(pg_settings), connect(pg_settings)
    try:
        ensure_raw_layer(first, "841")
        with transaction(first), transaction(second):  # neither has committed when the other takes its id
            ids = [_next_batch_id(first), _next_batch_id(second), _next_batch_id(first)]
        assert ids == [1, 2, 3]
    finally:
        first.close()
        second.close()


def test_one_authoritys_loads_key_its_children_one_at_a_time(pg_settings):
    """Two feeds of one authority loading at once (two DAGs): the second waits for the first's keys, then adds
    only its new ones; without the lock its insert would break the (la_code, person_id) key and be quarantined."""
    from ingest.core.pseudonymise import add_keys

    first, second = connect(pg_settings), connect(pg_settings)
    secret = pg_settings.secret_for("841")
    try:
        ensure_raw_layer(first, "841")
        with ThreadPoolExecutor(max_workers=1) as pool:
            with transaction(first):
                assert add_keys(first, secret, "841", ["P1", "P2"]) == 2

                def key_in_second():
                    with transaction(second):
                        return add_keys(second, secret, "841", ["P2", "P3"])

                waiting = pool.submit(key_in_second)
                with pytest.raises(TimeoutError):
                    waiting.result(timeout=1)  # held until the first load commits
            assert waiting.result(timeout=30) == 1  # P3 only: P2 was the first load's
        rows = first.execute("select person_id from raw._child_keys order by 1").fetchall()
        assert rows == [("P1",), ("P2",), ("P3",)]
    finally:
        first.close()
        second.close()
