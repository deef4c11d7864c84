"""The dbt project's layout (docs/specs/STYLE.md): intermediate models in domain folders with one `_<folder>__models.yml`
each, unit tests in the YAML beside the model they test, and one macro per formula shape (a `by` argument,
no `_by_dimension` twins)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

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
