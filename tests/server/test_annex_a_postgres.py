"""The Annex A lists' SQL on Postgres: the hand-made warehouse of tests/exports/test_annex_a.py gives the same
workbook cells on Postgres as on DuckDB."""

from __future__ import annotations

import duckdb
from openpyxl import load_workbook

from exports.statutory.annex_a import write_annex_a
from foundation.warehouse import connect
from tests.exports.test_annex_a import AS_OF, LA, STAMP, fill


def cells(path):
    workbook = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def test_annex_a_is_the_same_on_postgres_and_duckdb(pg_settings, tmp_path):
    con = connect(pg_settings)
    try:
        fill(con)
        on_postgres = write_annex_a(con, as_of=AS_OF, out_dir=tmp_path / "pg", la_code=LA, generated_at=STAMP)
    finally:
        con.close()
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as duck:
        fill(duck)
        on_duckdb = write_annex_a(duck, as_of=AS_OF, out_dir=tmp_path / "duck", la_code=LA, generated_at=STAMP)
    assert on_postgres.rows == on_duckdb.rows == {1: 3, 2: 2, 3: 2, 4: 2, 5: 3, 6: 2, 7: 1, 8: 1, 9: 1, 10: 2, 11: 0}
    assert cells(on_postgres.workbook) == cells(on_duckdb.workbook)
