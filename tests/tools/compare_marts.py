"""Compare the indicator marts of two DuckDB warehouses row for row, exactly (a refactor of the dbt project must
not change a single value). Usage:

    python tests/tools/compare_marts.py BEFORE.duckdb AFTER.duckdb [schema.table ...]

Build both warehouses from the same landing files, pseudonymisation secret and as-of date (e.g. before and
after a change: `csw ingest` once, copy the file, `csw build` on each). Prints, per table, the row counts and
the rows found only before and only after (duplicates count: EXCEPT ALL), and exits 1 on any difference.
"""

from __future__ import annotations

import sys

import duckdb

TABLES = ("marts.fct_indicator_values", "marts.fct_indicator_breakdowns")


def compare(before: str, after: str, tables: tuple[str, ...] = TABLES) -> dict[str, dict[str, int]]:
    con = duckdb.connect()
    con.execute("attach ? as before (read_only)", [before])
    con.execute("attach ? as after (read_only)", [after])
    out = {}
    for table in tables:
        old, new = f"before.{table}", f"after.{table}"
        out[table] = {
            "rows_before": con.execute(f"select count(*) from {old}").fetchone()[0],
            "rows_after": con.execute(f"select count(*) from {new}").fetchone()[0],
            "only_before": con.execute(f"select count(*) from (from {old} except all from {new})").fetchone()[0],
            "only_after": con.execute(f"select count(*) from (from {new} except all from {old})").fetchone()[0],
        }
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    result = compare(argv[0], argv[1], tuple(argv[2:]) or TABLES)
    for table, counts in result.items():
        print(table, " ".join(f"{k}={v}" for k, v in counts.items()))
    return int(any(c["only_before"] or c["only_after"] or c["rows_before"] != c["rows_after"] for c in result.values()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
