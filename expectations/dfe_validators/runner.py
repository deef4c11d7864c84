"""Run a Data to Insight DfE validator on a statutory return, in the validators' own venv, as a subprocess.

The validators pin pandas 1.5 and numpy < 2, so they live in `.venv-validators` (`make validators-venv`,
pinned by deploy/validators-requirements.txt) and never in the project's venv. This module starts that venv's
Python on `driver.py` with a JSON request and reads back the findings CSV and a JSON summary; nothing of
theirs is imported here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RETURNS = ("ssda903", "cin")
DRIVER = Path(__file__).with_name("driver.py")
DEFAULT_TIMEOUT_SECONDS = 1800
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class ValidatorError(RuntimeError):
    """A validation that could not run: the message is one line, fit to print as it is."""


class ValidatorsMissing(ValidatorError):
    """The validators' venv is not there."""


@dataclass(frozen=True)
class Finding:
    rule_code: str
    message: str
    severity: str  # the DfE's class: error | query
    table_name: str
    row_id: str  # the row in the validator's table (0-based, in file order), "" when the validator gives none
    child_id: str  # the authority's own child id as the return carries it (CHILD / LAchildID)
    columns: str  # the fields the validator points at, comma-separated


@dataclass
class ValidationRun:
    run_id: str
    return_name: str
    year: str
    inputs: list[Path]
    findings: list[Finding]
    ruleset: str
    rules_in_registry: int
    rule_types: dict[str, str]
    failed_rules: list[str]
    return_level: list[dict[str, str]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # every child id the return holds (flagged or not)
    validator_seconds: float = 0.0
    total_seconds: float = 0.0

    def counts(self) -> list[tuple[str, str, int]]:
        """(rule code, severity, findings) for every rule that found something, most findings first."""
        tally: dict[tuple[str, str], int] = {}
        for f in self.findings:
            tally[(f.rule_code, f.severity)] = tally.get((f.rule_code, f.severity), 0) + 1
        return sorted(((c, s, n) for (c, s), n in tally.items()), key=lambda t: (-t[2], t[0]))


def check_year(year: str) -> str:
    """'2024-25' as given, or a one-line reason."""
    match = _YEAR.match(year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidatorError(f"collection year {year!r}: expected YYYY-YY with consecutive years, e.g. 2024-25")
    return year


def validators_python(python: Path) -> Path:
    """The validators' interpreter, or ValidatorsMissing saying how to make it."""
    if not Path(python).is_file():
        raise ValidatorsMissing(f"the DfE validators' venv is missing: no {python} (run `make validators-venv`, "
                                "or set CSW_VALIDATORS_PYTHON)")
    return Path(python).absolute()  # absolute, not resolved: the venv's python is a symlink to the base one


def input_files(return_name: str, path: Path) -> list[Path]:
    """The files one validation reads: a folder's 903 CSVs, or one CIN census XML (a file, or the only .xml
    in a folder)."""
    path = Path(path)
    if return_name not in RETURNS:
        raise ValidatorError(f"return {return_name!r}: expected one of {', '.join(RETURNS)}")
    if not path.exists():
        raise ValidatorError(f"{path}: no such file or folder")
    if return_name == "ssda903":
        files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        if not files:
            raise ValidatorError(f"{path}: no 903 CSV files in this folder")
        return files
    files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
    if len(files) != 1:
        raise ValidatorError(f"{path}: expected one CIN census XML file, found {len(files)}")
    return files


def run_id_for(return_name: str, year: str, files: list[Path]) -> str:
    """The same return, year and file contents give the same id, so storing a re-run replaces its findings."""
    digest = hashlib.sha256(f"{return_name}\n{year}\n".encode())
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\n" + hashlib.sha256(path.read_bytes()).digest())
    return f"{return_name}-{year}-{digest.hexdigest()[:16]}"


def prepare_request(return_name: str, year: str, path: Path, out: Path) -> dict:
    """The driver's request: the files to validate (checked here, with a one-line reason) and where to write."""
    check_year(year)
    files = input_files(return_name, path)
    out.mkdir(parents=True, exist_ok=True)
    return {"return": return_name, "year": year, "out": str(out), "inputs": [str(p.resolve()) for p in files],
            "driver_dir": str(DRIVER.parent)}


def read_result(request: dict, *, total_seconds: float = 0.0) -> ValidationRun:
    """The ValidationRun the driver wrote into the request's `out` folder."""
    out, files = Path(request["out"]), [Path(p) for p in request["inputs"]]
    meta = json.loads((out / "result.json").read_text(encoding="utf-8"))
    with (out / "findings.csv").open(newline="", encoding="utf-8") as handle:
        findings = [Finding(r["rule_code"], r["rule_description"], r["rule_type"], r["table_name"], r["row_id"],
                            r["child_id"], r["columns_affected"]) for r in csv.DictReader(handle)]
    return ValidationRun(
        run_id=run_id_for(request["return"], request["year"], files), return_name=request["return"],
        year=request["year"], inputs=files, findings=findings, ruleset=meta["ruleset"],
        rules_in_registry=int(meta["rules"]), rule_types=meta["rule_types"], failed_rules=list(meta["failed_rules"]),
        return_level=meta["return_level"], children=list(meta["children"]), validator_seconds=float(meta["seconds"]),
        total_seconds=total_seconds or float(meta["seconds"]))


def run_validator(return_name: str, year: str, path: Path, *, python: Path,
                  timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ValidationRun:
    """Validate the return at `path` for `year` with the published validator, in its venv, as a subprocess."""
    started = time.perf_counter()
    interpreter = validators_python(python)
    with tempfile.TemporaryDirectory(prefix="csw-validate-") as work:
        request = prepare_request(return_name, year, path, Path(work))
        request_file = Path(work) / "request.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        try:
            done = subprocess.run([str(interpreter), str(DRIVER), str(request_file)], capture_output=True,
                                  text=True, timeout=timeout, cwd=work, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ValidatorError(f"the {return_name} validator did not finish within {timeout:g} s") from exc
        if done.returncode != 0:
            raise ValidatorError(f"the {return_name} validator failed on {path}: {_last_line(done.stderr)}")
        return read_result(request, total_seconds=round(time.perf_counter() - started, 3))


def registry(return_name: str, year: str, *, python: Path) -> dict[str, str]:
    """Every rule code of the installed validator's ruleset for `year` -> its class (error | query)."""
    check_year(year)
    interpreter = validators_python(python)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import driver; "
            "print(json.dumps(driver.rule_types_of(sys.argv[2], sys.argv[3])))")
    done = subprocess.run([str(interpreter), "-c", code, str(DRIVER.parent), return_name, year], capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise ValidatorError(f"listing the {return_name} {year} rules failed: {_last_line(done.stderr)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
