"""`write_regional_return`: the quarterly regional return's three files, written only after a passed dq run.

Files in `<out_dir>/regional/<la_code>/<period>/` (docs/specs/REGIONAL_RETURN.md): the workbook, the long CSV and
`manifest.json`. Everything is written to a temporary folder beside that one and swapped in by rename.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import foundation
from foundation.state import stale_reason
from foundation.warehouse import Connection
from exports.errors import ExportRefused, HeldBack
from expectations.releases import Release
from exports.files import LA_CODE, MANIFEST_NAME, iso_date, replacing_folder, sha256_of, utc_second
from foundation.periods import Quarter, parse_quarter, previous_quarters
from exports.regional.read import RegionalInputs, read_regional_inputs
from exports.regional.rows import Figure, ReturnRow, build_rows
from exports.regional.suppression import RULE, SUPPRESSED, Suppression
from exports.regional.workbook import CoverFacts, build_workbook
from exports.xlsx import safe_text, workbook_bytes

EARLIER_QUARTERS = 4
CSV_COLUMNS = ("la_code", "period", "indicator_id", "numerator", "denominator", "value")


@dataclass(frozen=True)
class ReturnFiles:
    folder: Path
    workbook: Path
    csv: Path
    manifest: Path
    return_rows: int  # Return sheet rows (one per indicator of the return set)
    csv_rows: int
    data_quality_rows: int
    definitions_rows: int

    @property
    def paths(self) -> tuple[Path, Path, Path]:
        return (self.workbook, self.csv, self.manifest)


def write_regional_return(
    con: Connection,
    *,
    period: str,
    out_dir: Path,
    la_code: str,
    suppression: Suppression = Suppression(),
    generated_at: datetime | None = None,
) -> ReturnFiles:
    """Write the return for `period` (e.g. `2024-25Q4`), or raise ExportRefused having written nothing.

    Small numbers are suppressed unless `suppression` is off, which needs a reason (it is printed on the
    cover sheet and in the manifest).
    """
    quarter = _parse_period(period)
    if not LA_CODE.fullmatch(la_code or ""):
        raise ExportRefused(f"la_code {la_code!r} must be letters and digits only")
    labels = [quarter.label, *(q.label for q in previous_quarters(quarter, EARLIER_QUARTERS))]
    inputs = read_regional_inputs(con, la_code=la_code, period_labels=labels)
    _refuse_unless_ready(inputs, la_code=la_code, period=quarter.label)
    assert inputs.latest_run is not None and inputs.authority is not None  # checked just above

    stamp = utc_second(generated_at or datetime.now(timezone.utc))
    rows = build_rows(inputs.indicators, inputs.values, labels, suppression=suppression)
    catalogue_version = ", ".join(sorted({i.catalogue_version for i in inputs.indicators if i.catalogue_version}))
    cover = CoverFacts(
        authority=inputs.authority,
        period=quarter.label,
        period_start=quarter.start,
        period_end=quarter.end,
        as_of=inputs.latest_run.as_of,
        generated_at=stamp,
        software_version=foundation.__version__,
        run=inputs.latest_run,
        catalogue_version=catalogue_version,
        suppression=suppression,
        release=inputs.release,
    )
    workbook = workbook_bytes(build_workbook(cover, rows, labels, inputs.check_results), timestamp=stamp)
    csv_text = _csv_text(rows, la_code=la_code, period=quarter.label)

    folder = Path(out_dir) / "regional" / la_code / quarter.label
    stem = f"return_{la_code}_{quarter.label}"
    with replacing_folder(folder) as staging:
        (staging / f"{stem}.xlsx").write_bytes(workbook)
        (staging / f"{stem}.csv").write_bytes(csv_text.encode("utf-8"))
        manifest = _manifest(staging, stem, cover, rows, inputs)
        (staging / MANIFEST_NAME).write_bytes(manifest.encode("utf-8"))

    return ReturnFiles(
        folder=folder,
        workbook=folder / f"{stem}.xlsx",
        csv=folder / f"{stem}.csv",
        manifest=folder / MANIFEST_NAME,
        return_rows=len(rows),
        csv_rows=len(rows),
        data_quality_rows=len(inputs.check_results),
        definitions_rows=len(rows),
    )


def _parse_period(period: str) -> Quarter:
    try:
        return parse_quarter(period)
    except ValueError as exc:
        raise ExportRefused(str(exc)) from None


def _refuse_unless_ready(inputs: RegionalInputs, *, la_code: str, period: str) -> None:
    run = inputs.latest_run
    if run is None:
        raise ExportRefused("no data quality run recorded in dq.runs: run `csw check` first")
    # the authority's own results (read_regional_inputs): another authority's failure in a hub holds back its
    # return, not this one (docs/regional-hub.md, a gate per authority)
    failed = [c for c in inputs.check_results if c.severity.lower() == "blocking" and c.status.lower() != "passed"]
    released = inputs.release is not None and bool(failed)  # a named person released these failures (dq.releases)
    unexplained = run.status.upper() != "PASSED" and not run.blocking_failures  # FAILED with nothing that failed
    if (unexplained or failed) and not released:
        names = ", ".join(
            f"{c.suite}.{c.check_name}" + (f" ({c.table_name})" if c.table_name else "") for c in failed
        )
        raise (HeldBack if failed else ExportRefused)(
            f"latest data quality run {run.run_id} is {run.status}: "
            + (f"{len(failed)} blocking check(s) failed: {names}" if failed else "no blocking failure recorded")
            + (f" (fix them, or release the quarter: csw dq release --period {period} --by NAME --reason TEXT)"
               if failed else "")
        )
    assert inputs.checked is not None  # read with the latest run
    stale = stale_reason(inputs.checked, inputs.state)
    if stale:  # the gate checks what it exports: nothing loaded or built since the passed run
        raise ExportRefused(stale)
    if inputs.rows_in_period == 0:
        raise ExportRefused(f"no quarterly indicator values for LA {la_code} in {period} in marts.fct_indicator_values")
    if inputs.authority is None:
        raise ExportRefused(f"LA {la_code} is not in marts.dim_local_authorities")
    if not inputs.indicators:
        raise ExportRefused("no indicator in marts.dim_indicators is flagged in_regional_return")


def _release(made: Release | None) -> dict | None:
    """The named release that let a blocked quarter out (expectations/releases.py), or None."""
    if made is None:
        return None
    return {"released_by": made.released_by, "reason": made.reason, "released_at": made.released_at.isoformat() + "Z",
            "run_id": made.run_id, "blocking_checks": list(made.blocking_checks)}




def format_number(number: Figure) -> str:
    """CSV text of a number: whole numbers without a decimal point, others as Python's shortest repr.

    A suppressed numerator or denominator is blank: they are decimal columns that other authorities'
    warehouses load as numbers (the benchmarks feed); the row's value `c` says the row is suppressed.
    """
    if number is None or number == SUPPRESSED:
        return ""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _csv_text(rows: list[ReturnRow], *, la_code: str, period: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        value = SUPPRESSED if row.is_suppressed else format_number(row.value)
        writer.writerow(
            (
                safe_text(la_code),
                safe_text(period),
                safe_text(row.indicator.indicator_id),
                format_number(row.numerator),
                format_number(row.denominator),
                value,
            )
        )
    return buffer.getvalue()


def _manifest(folder: Path, stem: str, cover: CoverFacts, rows: list[ReturnRow], inputs: RegionalInputs) -> str:
    run = cover.run
    document = {
        "la_code": cover.authority.la_code,
        "period": cover.period,
        "period_start": cover.period_start.isoformat(),
        "period_end": cover.period_end.isoformat(),
        "as_of": iso_date(cover.as_of),
        "generated_at": cover.generated_at.isoformat() + "Z",
        "software_version": cover.software_version,
        "catalogue_version": cover.catalogue_version,
        "suppressed": cover.suppression.on,
        "suppression": RULE if cover.suppression.on else None,
        "suppression_off_reason": cover.suppression.off_reason,
        "files": [
            {
                "name": f"{stem}.xlsx",
                "sha256": sha256_of(folder / f"{stem}.xlsx"),
                "rows": {"Return": len(rows), "Data quality": len(inputs.check_results), "Definitions": len(rows)},
            },
            {"name": f"{stem}.csv", "sha256": sha256_of(folder / f"{stem}.csv"), "rows": len(rows)},
        ],
        "data_quality": {
            "run_id": run.run_id,
            "status": run.status,
            "as_of": iso_date(run.as_of),
            "checks_run": run.checks_run,
            "blocking_failures": run.blocking_failures,
            "warnings": run.warnings,
        },
        "release": _release(cover.release),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
