"""An indicator is defined once (docs/specs/STYLE.md): every catalogue id has exactly one formula, a unit test, a doc
block and a place in the union, and nothing exists without a catalogue row."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

DBT = Path(__file__).resolve().parent.parent / "dbt_project"
INDICATORS = DBT / "models" / "indicators"
UNITS = {"count", "rate", "percent", "days", "score", "ratio"}


def catalogue() -> dict[str, dict[str, str]]:
    with open(DBT / "seeds" / "indicator_catalogue.csv", newline="", encoding="utf-8") as f:
        return {row["indicator_id"]: row for row in csv.DictReader(f)}


def model_name(indicator_id: str) -> str:
    return "ind_" + indicator_id.lower()


def formula_files() -> dict[str, Path]:
    return {p.stem: p for p in INDICATORS.rglob("ind_*.sql")}


def unit_tested_models() -> set[str]:
    models = set()
    for path in INDICATORS.rglob("*.yml"):
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []) or []:
            models.add(test["model"])
    return models


def doc_blocks() -> set[str]:
    names = set()
    for path in INDICATORS.rglob("*.md"):
        names |= set(re.findall(r"{%\s*docs\s+(\w+)\s*%}", path.read_text()))
    return names


def unioned() -> list[str]:
    text = (INDICATORS / "int_indicator_formula_rows.sql").read_text()
    return re.findall(r"'(ind_\w+)'", text)


def test_every_catalogue_id_has_formula_unit_test_doc_and_union_entry():
    ids = catalogue()
    expected = {model_name(i) for i in ids}
    assert set(formula_files()) == expected, "formula files and catalogue ids differ"
    assert expected <= unit_tested_models(), f"no unit test: {sorted(expected - unit_tested_models())}"
    assert expected <= doc_blocks(), f"no doc block: {sorted(expected - doc_blocks())}"
    assert sorted(unioned()) == sorted(expected), "int_indicator_formula_rows does not union exactly the catalogue"
    assert len(unioned()) == len(set(unioned()))


def test_catalogue_rows_are_complete():
    ids = catalogue()
    orders = []
    for indicator_id, row in ids.items():
        assert re.fullmatch(r"[A-Z0-9_]+", indicator_id)
        assert row["unit"] in UNITS, indicator_id
        assert row["better"] in {"high", "low", ""}, indicator_id
        assert row["title"] and row["definition"] and row["source"] and row["domain"], indicator_id
        assert row["in_regional_return"] in {"true", "false"}
        if row["in_regional_return"] == "true":
            orders.append(int(row["regional_return_order"]))
    assert len(orders) == len(set(orders))


def test_each_formula_model_is_documented_with_its_doc_block():
    for name, path in formula_files().items():
        yml = path.with_suffix(".yml")
        assert yml.exists(), f"{name}: no {yml.name} beside the formula"
        models = {m["name"]: m for m in (yaml.safe_load(yml.read_text()).get("models") or [])}
        assert f'doc("{name}")' in models[name]["description"], name
