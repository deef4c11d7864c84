"""The dbt project's layout (docs/specs/STYLE.md): intermediate models in domain folders with one `_<folder>__models.yml`
each, unit tests in the YAML beside the model they test, and one macro per formula shape (a `by` argument,
no `_by_dimension` twins); no model whose rows are each authority's own reads one that compares authorities and
that an authority's own file can change."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from csw.dbt_manifest import manifest_path
from csw.refresh import NOT_CASE_LEVEL

DBT = Path(__file__).resolve().parent.parent / "dbt_project"
MODELS = DBT / "models"
INTERMEDIATE = MODELS / "intermediate"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def test_intermediate_models_sit_in_domain_folders_each_with_one_models_yaml():
    assert not list(INTERMEDIATE.glob("*.sql")) and not list(INTERMEDIATE.glob("*.yml")), "flat files in intermediate/"
    folders = [p for p in INTERMEDIATE.iterdir() if p.is_dir()]
    assert len(folders) >= 3
    for folder in folders:
        assert [p.name for p in folder.glob("*.yml")] == [f"_{folder.name}__models.yml"], folder.name
        documented = [m["name"] for m in _yaml(folder / f"_{folder.name}__models.yml")["models"]]
        assert sorted(documented) == sorted(p.stem for p in folder.glob("*.sql")), folder.name


def test_every_unit_test_sits_in_the_yaml_beside_the_model_it_tests():
    sql_folder = {p.stem: p.parent for p in MODELS.rglob("*.sql")}
    tests = 0
    for path in MODELS.rglob("*.yml"):
        for unit_test in _yaml(path).get("unit_tests") or []:
            tests += 1
            assert sql_folder[unit_test["model"]] == path.parent, (
                f"{path.relative_to(DBT)}: unit test {unit_test['name']} of {unit_test['model']}, "
                f"which is in {sql_folder[unit_test['model']].relative_to(DBT)}"
            )
    assert tests >= 106


def test_one_macro_per_formula_shape_breakdowns_pass_by():
    macros = {
        name: path.name
        for path in (DBT / "macros").glob("*.sql")
        for name in re.findall(r"{%-?\s*macro\s+(\w+)\s*\(", path.read_text(encoding="utf-8"))
    }
    assert not [m for m in macros if m.endswith("_by_dimension")], "a _by_dimension twin of a formula shape"
    breakdowns = list((MODELS / "indicators" / "breakdowns").glob("brk_*.sql"))
    assert breakdowns
    for path in breakdowns:
        text = path.read_text(encoding="utf-8")
        shape = re.match(r"{{\s*(\w+)\(", text).group(1)
        assert shape in macros and "by=" in text, path.name
    formulas = [p.read_text(encoding="utf-8") for p in (MODELS / "indicators").rglob("ind_*.sql")]
    for shape in ("events_in_period", "children_open_at_period_end", "children_in_period_rows"):
        assert any(re.match(rf"{{{{\s*{shape}\(", text) for text in formulas), f"{shape}: no headline formula uses it"


def test_intermediate_and_indicator_models_are_tables_on_every_target():
    """Each block several indicators read is computed once (docs/performance.md): as views, fct_indicator_values
    expanded all 74 formulas and recomputed each shared intermediate view for every formula reading it."""
    models = _yaml(DBT / "dbt_project.yml")["models"]["csw"]
    assert models["intermediate"]["+materialized"] == "table"
    assert models["indicators"]["+materialized"] == "table"
    overridden = [p.relative_to(DBT).as_posix() for folder in ("intermediate", "indicators")
                  for p in (MODELS / folder).rglob("*.sql")
                  if re.search(r"materialized\s*=\s*['\"](?!table['\"])", p.read_text(encoding="utf-8"))]
    assert overridden == []


# The models that compare authorities, whose rows are about an authority from whichever folder sent them, or that
# have no authority (dbt_project.yml, `authority_local: false`): an incremental build of named authorities
# rebuilds them whole.
NOT_AUTHORITY_LOCAL = {"stg_reference__population", "stg_reference__local_authorities", "dim_local_authorities",
                       "stg_benchmarks__regional_returns", "stg_benchmarks__published_values", "fct_benchmarks",
                       "rpt_scorecard", "int_calendar", "dim_indicators"}


def test_no_model_whose_rows_are_each_authoritys_own_reads_one_an_authoritys_file_changes_for_all():
    """macros/materializations/authority_rows.sql: a build naming authorities replaces only their rows of an
    `authority_local` model, so its other rows must not depend on a model rebuilt whole in that build. A model that
    is not authority_local may sit upstream only when nothing but the shared feeds (reference, benchmarks: a file of
    them rebuilds every row, csw/refresh.py), the record of loads and the bank holidays (changed: a full build)
    reach it."""
    manifest = json.loads(manifest_path("duckdb").read_text(encoding="utf-8"))
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    whole = {uid for uid, node in models.items() if not node["config"]["meta"].get("authority_local")}
    assert {models[uid]["name"] for uid in whole} == NOT_AUTHORITY_LOCAL

    def ancestors(uid: str) -> set[str]:
        seen, stack = set(), list(manifest["parent_map"].get(uid, []))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(manifest["parent_map"].get(parent, []))
        return seen

    shared = set(NOT_CASE_LEVEL) | {"loads", "calendar"}
    changed_for_all = {uid for uid in whole if any(
        manifest["sources"][up]["source_name"] not in shared for up in ancestors(uid) if up.startswith("source."))}
    assert {models[uid]["name"] for uid in changed_for_all} == {"fct_benchmarks", "rpt_scorecard"}
    readers = {models[uid]["name"]: sorted(models[up]["name"] for up in ancestors(uid) & changed_for_all)
               for uid in models if uid not in whole}
    assert {name: read for name, read in readers.items() if read} == {}
