"""`csw validate ssda903|cin --year Y`: run Data to Insight's DfE validator on a statutory return, store its
findings in `dq`, write the per-team error report. The Airflow task (`csw.tasks`) runs the same steps in the
validators' venv through ExternalPythonOperator and stores with `store_validation` here."""

from __future__ import annotations

from dataclasses import dataclass
import re
from datetime import datetime, timezone
from pathlib import Path

from expectations.dfe_validators.runner import (
    DEFAULT_TIMEOUT_SECONDS,
    ValidationRun,
    ValidatorError,
    check_year,
    prepare_request,
    run_validator,
)
from expectations.dfe_validators.compare import RuleAgreement, compare_run
from expectations.dfe_validators.store import read_findings, write_validation
from exports.dfe_error_report import ReportFacts, allocations_for, report_rows, write_error_report, year_end
from exports.files import record_in_manifest
from foundation.settings import Settings, get_settings
from foundation.warehouse import connect, transaction


@dataclass(frozen=True)
class Validation:
    run: ValidationRun
    report: Path


def export_folder(settings: Settings, return_name: str, year: str) -> Path:
    """Where `csw export ssda903|cin --year Y` publishes the year: $CSW_OUTPUT/<return>/<la_code>/<year>/
    (exports/statutory/ssda903/write.py, exports/statutory/cin/write.py)."""
    return settings.output_dir / return_name / settings.la_code / year


def latest_export(settings: Settings, return_name: str, year: str) -> Path:
    """The published export of that return and year (the exporters swap the folder in whole, so it is the
    newest): the one place `csw validate` and the DAG look for their default input."""
    folder = export_folder(settings, return_name, year)
    if not folder.is_dir():
        raise ValidatorError(f"no {return_name} export for {year} in {folder}: run `csw export {return_name} --year "
                             f"{year}` or give the files with --dir/--file")
    return folder


def report_name(return_name: str, year: str) -> str:
    return f"{return_name}_{year}_error_report.xlsx"


def error_report_path(settings: Settings, run: ValidationRun) -> Path:
    """The error report of files from elsewhere (`--dir`/`--file`); an export's goes in its own folder."""
    return settings.output_dir / "dfe_validation" / report_name(run.return_name, run.year)


def store_validation(run: ValidationRun, settings: Settings, *, report: Path | None = None) -> Validation:
    """Store the run's findings in dq (replacing an earlier store of the same run) and write its error report
    (to `report`, else $CSW_OUTPUT/dfe_validation/); a report written into an export's folder is entered in the
    folder's manifest.json (`dfe_validation`: file, SHA-256, run, findings)."""
    generated = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    con = connect(settings)
    try:
        write_validation(con, run, validated_at=generated)
        with transaction(con):
            findings = read_findings(con, run.run_id).to_dict("records")
            allocations = allocations_for(con, settings.la_code, (f["child_id"] for f in findings),
                                          year_end(run.year))
    finally:
        con.close()
    facts = ReportFacts(run.return_name, run.year, run.run_id, "; ".join(str(p) for p in run.inputs), run.ruleset,
                        run.rules_in_registry, " ".join(run.failed_rules), generated)
    return_level = [{"rule_code": r["rule_code"], "severity": r["rule_type"], "message": r["rule_description"]}
                    for r in run.return_level]
    report = write_error_report(report or error_report_path(settings, run), facts, report_rows(findings, allocations),
                                return_level)
    manifest = report.parent / "manifest.json"
    if manifest.is_file() and any(p.parent == report.parent for p in run.inputs):
        errors = sum(f.severity == "error" for f in run.findings)
        record_in_manifest(manifest, "dfe_validation", report, run_id=run.run_id, ruleset=run.ruleset,
                           errors=errors, queries=len(run.findings) - errors, failed_rules=run.failed_rules,
                           validated_at=generated.isoformat())
    return Validation(run, report)


def compare_with_native(run: ValidationRun, settings: Settings) -> list[RuleAgreement]:
    """Our native DfE rules on the warehouse's current batch against the validator's findings, per mapped rule
    code, for the children the return holds (expectations/dfe_validators/compare.py)."""
    con = connect(settings, read_only=True)
    try:
        return compare_run(con, run)
    finally:
        con.close()


def validation_request(settings: Settings, return_name: str, year: str, folder: Path, work_name: str) -> dict:
    """The driver's request for a DAG run on the export in `folder`: its work folder under
    $CSW_OUTPUT/dfe_validation/work/ (the storing task removes it) and the error report's path, in the same
    folder as the export (`<return>_<year>_error_report.xlsx`)."""
    work = settings.output_dir / "dfe_validation" / "work" / re.sub(r"[^A-Za-z0-9_.-]+", "_", work_name)
    request = prepare_request(return_name, check_year(year), Path(folder), work)
    return {**request, "report": str(Path(folder) / report_name(return_name, year))}


def validate(return_name: str, year: str, path: Path | None = None, *, settings: Settings | None = None,
             timeout: float | None = None) -> Validation:
    settings = settings or get_settings()
    check_year(year)
    source = path if path is not None else latest_export(settings, return_name, year)
    run = run_validator(return_name, year, source, python=settings.validators_python,
                        timeout=timeout or DEFAULT_TIMEOUT_SECONDS)
    # the export's own report goes beside it, as the DAGs put it; files from elsewhere: $CSW_OUTPUT/dfe_validation/
    report = Path(source) / report_name(return_name, year) if path is None else None
    return store_validation(run, settings, report=report)
