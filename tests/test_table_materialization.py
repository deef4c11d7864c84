"""The project's `table` materialization on DuckDB (dbt_project/macros/materializations/table_duckdb.sql): one
`create or replace table` per model in the model's transaction. Built here on a small project of its own: a table
is replaced whole, a model whose query fails leaves its table (or the view in its place) as it was, a view in a
table's place gives way, the hooks run, nothing of dbt's `__dbt_tmp` / `__dbt_backup` is left behind, and a
setting it does not apply is refused by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

MATERIALIZATION = Path(__file__).resolve().parent.parent / "dbt_project" / "macros" / "materializations"

PROJECT = """
name: probe
version: "1.0"
config-version: 2
profile: probe
flags:
  send_anonymous_usage_stats: false
models:
  probe:
    +materialized: table
    +post-hook: "create table if not exists main.hooked as select '{{ this.name }}' as model limit 0"
"""


def _project(root: Path, models: dict[str, str], output: str = "") -> Path:
    """The probe project of `models` under `root`, with the project's materializations; its profile's output is
    `output` (a profiles.yml block) or a DuckDB file in `root`."""
    (root / "models").mkdir(parents=True, exist_ok=True)
    for old in (root / "models").glob("*.sql"):
        old.unlink()
    for name, sql in models.items():
        (root / "models" / f"{name}.sql").write_text(sql, encoding="utf-8")
    if not (root / "macros").exists():
        shutil.copytree(MATERIALIZATION, root / "macros" / "materializations")
    (root / "dbt_project.yml").write_text(PROJECT, encoding="utf-8")
    output = output or f"      type: duckdb\n      path: {root / 'w.duckdb'}\n"
    (root / "profiles.yml").write_text(f"probe:\n  target: dev\n  outputs:\n    dev:\n{output}      threads: 1\n",
                                       encoding="utf-8")
    return root


def _build(root: Path) -> tuple[bool, str]:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["build", "--project-dir", str(root), "--profiles-dir", str(root),
                                 "--no-write-json", "--quiet"])
    messages = [getattr(r, "message", "") or "" for r in (getattr(result.result, "results", None) or [])]
    return bool(result.success), " ".join([*messages, str(result.exception or "")])


def _relations(root: Path) -> dict[str, tuple[str, list[tuple]]]:
    con = duckdb.connect(str(root / "w.duckdb"))  # as dbt's in-process connection: DuckDB refuses a mix
    try:
        kinds = con.execute("select table_name, table_type from information_schema.tables "
                            "where table_schema = 'main' order by 1").fetchall()
        return {name: (kind, con.execute(f'select * from main."{name}" order by all').fetchall() if name != "hooked"
                       else []) for name, kind in kinds}
    finally:
        con.close()


def test_a_table_is_replaced_whole_and_a_failed_query_leaves_it_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    view = "{{ config(materialized='view') }} "
    root = _project(tmp_path, {"counts": "select 1 as n union all select 2",
                               "shown": view + "select n * 10 as m from {{ ref('counts') }}"})
    assert _build(root)[0]
    assert _relations(root) == {"counts": ("BASE TABLE", [(1,), (2,)]), "hooked": ("BASE TABLE", []),
                                "shown": ("VIEW", [(10,), (20,)])}

    _project(root, {"counts": "select 3 as n, 'c' as label",  # new rows and a new column: replaced whole
                    "shown": "select n * 10 as m from {{ ref('counts') }}"})  # the view becomes a table
    assert _build(root)[0]
    assert _relations(root) == {"counts": ("BASE TABLE", [(3, "c")]), "hooked": ("BASE TABLE", []),
                                "shown": ("BASE TABLE", [(30,)])}

    _project(root, {"counts": "select cast('not a number' as integer) as n",  # fails when it runs
                    "shown": "select n * 10 as m from {{ ref('counts') }}"})
    ok, said = _build(root)
    assert not ok and "not a number" in said
    assert _relations(root) == {"counts": ("BASE TABLE", [(3, "c")]), "hooked": ("BASE TABLE", []),
                                "shown": ("BASE TABLE", [(30,)])}  # as the last build left them, nothing else


def test_a_view_whose_table_fails_to_build_is_kept(tmp_path, monkeypatch):
    """The view gives way in the model's transaction: when the table's query fails, the view is still there."""
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    root = _project(tmp_path, {"shown": "{{ config(materialized='view') }} select 1 as m"})
    assert _build(root)[0]
    _project(root, {"shown": "select cast('not a number' as integer) as m"})
    ok, said = _build(root)
    assert not ok and "not a number" in said
    assert _relations(root) == {"hooked": ("BASE TABLE", []), "shown": ("VIEW", [(1,)])}


def test_a_setting_it_does_not_apply_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    root = _project(tmp_path, {"documented": "{{ config(persist_docs={'relation': true}) }} select 1 as n"})
    ok, said = _build(root)
    assert not ok
    assert "model documented sets persist_docs, which this project's DuckDB table materialization" in said
    assert "documented" not in _relations(root)


# A model whose rows are each authority's own, one that is not, and one without la_code (authority_rows.sql): each
# counts main.arrivals, which the tests change between builds.
LOCAL = "{{ config(meta={'authority_local': true}) }} "
AUTHORITY_ROWS_MODELS = {
    "local_counts": LOCAL + "select la_code, count(*) as n, max(day) as last_day from main.arrivals group by la_code",
    "whole_counts": "select la_code, count(*) as n from main.arrivals group by la_code",
    "no_authority": "select count(*) as n from main.arrivals",
    "local_tens": LOCAL + "select la_code, n * 10 as n from {{ ref('local_counts') }}",
}
ARRIVALS = [("841", 1), ("841", 2), ("840", 1), (None, 4)]


def builder(root: Path, monkeypatch):
    """`build(env)`: the probe under `root` built with CSW_BUILD_AUTHORITIES as `env` has it (absent: unset)."""

    def build(env: dict[str, str]) -> tuple[bool, str]:
        if "CSW_BUILD_AUTHORITIES" in env:
            monkeypatch.setenv("CSW_BUILD_AUTHORITIES", env["CSW_BUILD_AUTHORITIES"])
        else:
            monkeypatch.delenv("CSW_BUILD_AUTHORITIES", raising=False)
        return _build(root)

    return build


def assert_authority_rows_replaced(project, build, execute, relations) -> None:
    """Build the authority-rows probe (AUTHORITY_ROWS_MODELS) in full, add arrivals of both authorities, build
    naming 841 alone: its rows are replaced where the model says its rows are each authority's own, every row of
    the others; then a model that fails leaves its table as it was. `project(models)` writes the probe's models,
    `build(env)` runs dbt with CSW_BUILD_AUTHORITIES from `env` (none: unset), `execute` runs SQL on the probe's
    warehouse, `relations` reads the rows of each model's relation, sorted."""
    execute("create table main.arrivals (la_code varchar(3), day integer)")
    execute("insert into main.arrivals values " + ", ".join(
        f"({'null' if la is None else repr(la)}, {day})" for la, day in ARRIVALS))
    project(AUTHORITY_ROWS_MODELS)
    assert build({})[0]
    full = {"local_counts": [("840", 1, 1), ("841", 2, 2), (None, 1, 4)],
            "whole_counts": [("840", 1), ("841", 2), (None, 1)], "no_authority": [(4,)],
            "local_tens": [("840", 10), ("841", 20), (None, 10)]}
    assert relations() == full

    execute("insert into main.arrivals values ('841', 5), ('840', 7), ('840', 8), (null, 6)")
    assert build({"CSW_BUILD_AUTHORITIES": "841"})[0]
    assert relations() == {"local_counts": [("840", 1, 1), ("841", 3, 5), (None, 2, 6)],  # 840's as they were
                           "whole_counts": [("840", 3), ("841", 3), (None, 2)],  # not authority_local: every row
                           "no_authority": [(8,)],  # no la_code, not authority_local: replaced whole
                           "local_tens": [("840", 10), ("841", 30), (None, 20)]}  # no authority: with the named
    assert build({"CSW_BUILD_AUTHORITIES": ""})[0]  # no authority named: every row
    replaced = {"local_counts": [("840", 3, 8), ("841", 3, 5), (None, 2, 6)],
                "whole_counts": [("840", 3), ("841", 3), (None, 2)], "no_authority": [(8,)],
                "local_tens": [("840", 30), ("841", 30), (None, 20)]}
    assert relations() == replaced

    execute("insert into main.arrivals values ('841', 9)")
    project({**AUTHORITY_ROWS_MODELS, "local_counts": AUTHORITY_ROWS_MODELS["local_counts"].replace(
        "max(day)", "max(cast(case when day = 9 then 'nine' end as integer))")})  # fails on 841's new row
    ok, said = build({"CSW_BUILD_AUTHORITIES": "841,840"})
    assert not ok and "nine" in said
    assert relations()["local_counts"] == replaced["local_counts"]  # the delete rolled back with the failed insert

    counted = relations()["no_authority"]  # (rebuilt whole by the build that failed)
    execute("insert into main.arrivals values ('841', 10)")  # a build of the model would count it
    project({**AUTHORITY_ROWS_MODELS, "no_authority": LOCAL + AUTHORITY_ROWS_MODELS["no_authority"]})
    ok, said = build({"CSW_BUILD_AUTHORITIES": "841"})  # says its rows are each authority's own, has no la_code
    assert not ok and "model no_authority says its rows are each authority's own (meta authority_local), but " in said
    assert relations()["no_authority"] == counted  # refused, not built


def test_a_build_naming_authorities_replaces_only_their_rows_of_authority_local_models(tmp_path, monkeypatch):
    monkeypatch.setenv("DO_NOT_TRACK", "1")

    def execute(sql: str) -> None:
        con = duckdb.connect(str(tmp_path / "w.duckdb"))
        try:
            con.execute(sql)
        finally:
            con.close()

    def relations() -> dict[str, list[tuple]]:
        return {name: rows for name, (_, rows) in _relations(tmp_path).items()
                if name in AUTHORITY_ROWS_MODELS}

    assert_authority_rows_replaced(lambda models: _project(tmp_path, models), builder(tmp_path, monkeypatch), execute,
                                   relations)
