"""`csw rekey` rotates the pseudonymisation secret on a copy of the pipeline's warehouse: every child_key changes
to the new HMAC everywhere in the marts, the indicator values do not, and re-keying again changes nothing."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from csw.pipeline import rekey_child_keys
from foundation.settings import get_settings
from ingest.core.pseudonymise import child_key
from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import AS_OF, run_csw

NEW_SECRET = "rotated-test-secret-of-at-least-32-characters"


def _keyed_marts(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.columns where table_schema = 'marts' and column_name = 'child_key' "
        "order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _snapshot(con) -> dict:
    return {
        "indicators": con.execute("select * from marts.fct_indicator_values order by all").fetchall(),
        "keys": {t: {r[0] for r in con.execute(f"select distinct child_key from marts.{t}").fetchall()} for t in _keyed_marts(con)},
        "map": dict(((la, pid), key) for la, pid, key in con.execute("select la_code, person_id, child_key from raw._child_keys").fetchall()),
    }


@pytest.mark.slow
def test_rekey_rotates_every_child_key_and_keeps_the_numbers(pipeline, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse" / "csw.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(pipeline.warehouse, warehouse)
    env = {**pipeline.env, **WITHOUT_DBT_UNIT_TESTS,  # the rebuild's unit tests ran in the pipeline run
           "CSW_WAREHOUSE": str(warehouse), "CSW_PSEUDONYMISATION_SECRET": NEW_SECRET}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = _snapshot(con)
    assert before["keys"] and before["map"]

    first = run_csw(["rekey", "--as-of", AS_OF], env)
    assert f"rekey done: {len(before['map']):,} child keys rewritten" in first.stdout

    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = _snapshot(con)
    assert after["indicators"] == before["indicators"]  # same numbers, row for row
    assert after["map"] == {(la, pid): child_key(NEW_SECRET, la, pid) for la, pid in before["map"]}
    old_keys = set(before["map"].values())
    new_keys = set(after["map"].values())
    for table, keys in after["keys"].items():
        assert keys and keys <= new_keys and not keys & old_keys, f"marts.{table} still carries old keys"
        assert len(keys) == len(before["keys"][table])

    # Re-running is safe: the keys already match, nothing is rewritten (the rebuild is dbt's own idempotent build).
    monkeypatch.setenv("CSW_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET", NEW_SECRET)
    said = []
    assert rekey_child_keys(settings=get_settings(), progress=said.append) == 0
    assert said[-1] == "keys already match the current secret"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert _snapshot(con) == after


def test_rekey_before_any_load_says_what_to_do(settings, capsys):
    from csw.cli import main

    assert main(["rekey", "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "csw: nothing to re-key: raw._child_keys does not exist yet (load a case_system extract first)"
