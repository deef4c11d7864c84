"""Runs one of Data to Insight's DfE validators, inside the validators' own venv (never the project's).

Executed as a script by `.venv-validators/bin/python` (expectations/dfe_validators/runner.py starts it), so it
imports only the standard library, pandas and the validators, never a project package:

    python driver.py REQUEST.json

REQUEST.json: {"return": "ssda903" | "cin", "year": "2024-25", "inputs": [paths], "out": folder}. The driver
writes into `out`:
- findings.csv: one row per finding (rule_code, rule_description, rule_type, table_name, row_id, child_id,
  columns_affected), the rows the validator reports, one per (rule, table, row) with the affected columns
  joined by ", ";
- result.json: the ruleset run, how many rules it holds, the child ids the return holds, the rule types (code -> error | query), the rules
  that raised instead of running, the return-level (no child) issues, and the seconds the validation took.

How each validator classes a rule: the CIN validator's RuleDefinition carries `rule_type` (RuleType.ERROR /
RuleType.QUERY, the DfE's own classes); the 903 validator's RuleDefinition has no type field, so every 903
finding is recorded as "error", as the validator presents it.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import json
import logging
import re
import sys
import time
import warnings
from pathlib import Path

FINDING_COLUMNS = ("rule_code", "rule_description", "rule_type", "table_name", "row_id", "child_id",
                   "columns_affected")


def ruleset_name(kind: str, year: str) -> str:
    """'2024-25' -> lac2024_25 (903) or cin2024_25 (CIN)."""
    start, end = year.split("-")
    return f"{'lac' if kind == 'ssda903' else 'cin'}{start}_{end}"


def load_registry(kind: str, year: str) -> dict:
    """The installed validator's ruleset for the year, or a one-line reason naming the years it has."""
    package = "lac_validator" if kind == "ssda903" else "cin_validator"
    name = ruleset_name(kind, year)
    try:
        return importlib.import_module(f"{package}.rules.{name}").registry
    except ModuleNotFoundError:
        rules = Path(importlib.import_module(f"{package}.rules").__file__).parent
        years = sorted(p.name[3:].replace("_", "-") for p in rules.iterdir() if p.is_dir() and p.name[:3] in ("lac", "cin"))
        raise SystemExit(f"{package} has no {year} ruleset (it has {', '.join(years)})") from None


def rule_types_of(kind: str, year: str) -> dict[str, str]:
    """Every rule code of the year's ruleset -> "error" | "query" (903 rules carry no type: all "error")."""
    registry = load_registry(kind, year)
    if kind == "ssda903":
        return {str(code): "error" for code in registry}
    return {str(rule.code): rule.rule_type.value.lower() for rule in registry.values()}


def _text(value) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(frame, rule_types: dict[str, str]) -> list[dict[str, str]]:
    """One row per (rule, table, row, child): the validators explode a finding per affected column."""
    merged: dict[tuple, dict[str, str]] = {}
    for record in frame.to_dict("records"):
        code = _text(record.get("rule_code"))
        key = (code, _text(record.get("tables_affected")), _text(record.get("row_id")), _text(record.get("child_id")))
        row = merged.setdefault(key, {
            "rule_code": code, "rule_description": _text(record.get("rule_description")),
            "rule_type": rule_types.get(code, "error"), "table_name": key[1], "row_id": key[2], "child_id": key[3],
            "columns_affected": "",
        })
        column = _text(record.get("columns_affected"))
        if column and column not in row["columns_affected"].split(", "):
            row["columns_affected"] = ", ".join(c for c in (row["columns_affected"], column) if c)
    return sorted(merged.values(), key=lambda r: (r["rule_code"], r["table_name"], r["child_id"], r["row_id"]))


def run_903(year: str, inputs: list[Path]) -> tuple[list[dict[str, str]], dict]:
    from lac_validator import lac_validator
    from lac_validator.report import Report

    ruleset = ruleset_name("ssda903", year)
    registry = load_registry("ssda903", year)
    files = [{"name": p.name, "file_content": p.read_bytes(), "description": "This year"} for p in inputs]
    # collectionYear: the datastore takes its first four digits as the year the collection ENDS (31 March),
    # so 2024-25 is "2025" (the package's `run-offline` command hard-wires "2023").
    metadata = {"collectionYear": str(int(year[:4]) + 1), "localAuthority": ""}
    validator = lac_validator.LacValidator(metadata=metadata, files=files, registry=registry, selected_rules=None)
    report = Report(validator.ds_results, registry)
    rule_types = rule_types_of("ssda903", year)
    if any(c.startswith("ERR_") for c in report.report.columns):
        issues = lac_validator.create_issue_df(report.report, report.error_report)
        rows = _rows(issues, rule_types)
    else:
        rows = []
    children = sorted({_text(c) for df in validator.dfs.values() if "CHILD" in getattr(df, "columns", ())
                       for c in df["CHILD"]} - {""})
    return rows, {"ruleset": ruleset, "rules": len(registry), "rule_types": rule_types, "children": children,
                  "failed_rules": sorted(str(c) for c in validator.fails), "return_level": []}


def run_cin(year: str, inputs: list[Path]) -> tuple[list[dict[str, str]], dict]:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    if len(inputs) != 1:
        raise SystemExit(f"the CIN validator reads one census XML, got {len(inputs)} files")
    ruleset = ruleset_name("cin", year)
    registry = load_registry("cin", year)
    rule_types = rule_types_of("cin", year)
    root = ET.parse(inputs[0]).getroot()
    data_files = cin_validator.process_data(cin_validator.convert_data(root))
    # the CIN validator catches a rule that raises and prints "Error with rule CODE: ..." instead
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data_files, registry, selected_rules=None)
    failed = sorted(set(re.findall(r"^Error with rule (\S+):", printed.getvalue(), flags=re.MULTILINE)))
    rows = _rows(validator.full_issue_df, rule_types)
    return_level = sorted({(_text(r["rule_code"]), _text(r["rule_description"]))
                           for r in validator.multichild_issues.to_dict("records")})
    children = sorted({_text(c) for c in data_files["ChildIdentifiers"]["LAchildID"]} - {""})
    return rows, {"ruleset": ruleset, "rules": len(registry), "rule_types": rule_types, "failed_rules": failed,
                  "children": children,
                  "return_level": [{"rule_code": c, "rule_description": d, "rule_type": rule_types.get(c, "error")}
                                   for c, d in return_level]}


def run_request(request: dict) -> str:
    """Validate what the request names and write findings.csv and result.json into its `out` folder (returned).
    The Airflow task calls this inside the validators' venv (ExternalPythonOperator); `main` runs it as a script."""
    logging.disable(logging.CRITICAL)  # the 903 validator logs every rule at INFO on the root logger
    warnings.simplefilter("ignore")  # pandas 1.5 FutureWarnings from their rules: stderr keeps only real errors
    out = Path(request["out"])
    inputs = [Path(p) for p in request["inputs"]]
    started = time.perf_counter()
    rows, meta = (run_903 if request["return"] == "ssda903" else run_cin)(request["year"], inputs)
    meta["seconds"] = round(time.perf_counter() - started, 3)
    with (out / "findings.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FINDING_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (out / "result.json").write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return str(out)


def main(argv: list[str]) -> int:
    run_request(json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
