"""`write_cin_census`: the year's CIN census XML and its manifest, swapped into the outbox folder at once.

Files in `<out_dir>/cin/<la_code>/<year>/`: `cin_census_<la_code>_<year>.xml` and `manifest.json` (SHA-256 of
the XML, what it holds). The census carries the authority's own child ids: it goes back to the authority,
which submits it to the DfE (COLLECT), and to no one else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import foundation
from foundation.settings import Settings
from foundation.warehouse import Connection
from exports.errors import ExportRefused
from exports.files import MANIFEST_NAME, replacing_folder, sha256_of
from exports.statutory.cin.build import HeaderFacts, build_message, census_bytes
from exports.statutory.cin.read import read_census
from exports.statutory.cin.spec import load_year

_LEA = re.compile(r"\d{3}")  # <LEA>: the DfE's three-digit LA number
# The modules the manifest counts, as element paths in the file.
COUNTED = {
    "children": "Children/Child",
    "cin_details": "Children/Child/CINdetails",
    "assessments": "Children/Child/CINdetails/Assessments",
    "cin_plans": "Children/Child/CINdetails/CINPlanDates",
    "section47": "Children/Child/CINdetails/Section47",
    "cp_plans": "Children/Child/CINdetails/ChildProtectionPlans",
    "cp_reviews": "Children/Child/CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate",
}


@dataclass(frozen=True)
class CensusFiles:
    folder: Path
    xml: Path
    manifest: Path
    counts: dict[str, int]

    @property
    def paths(self) -> tuple[Path, Path]:
        return (self.xml, self.manifest)


def write_cin_census(con: Connection, *, year: str, out_dir: Path, la_code: str, serial_no: int = 1,
                     generated_at: datetime | None = None) -> CensusFiles:
    """Write the CIN census of collection year `year` (e.g. "2024-25"), or raise ExportRefused having written
    nothing. A re-run replaces the folder."""
    spec = load_year(year)
    if not _LEA.fullmatch(la_code or ""):
        raise ExportRefused(f"la_code {la_code!r} is not a three-digit DfE LA number (the census <LEA>)")
    if not 0 < serial_no < 1000:
        raise ExportRefused(f"serial number {serial_no} must be 1 to 999")
    children = read_census(con, spec, la_code)
    if not children:
        raise ExportRefused(f"no child in need between {spec.period_start} and {spec.reference_date}: no referral "
                            "open in that year in staging.stg_case_system__referrals")
    stamp = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0, tzinfo=None)
    header = HeaderFacts(la_code=la_code, release=f"csw {foundation.__version__}", serial_no=serial_no,
                         generated_at=stamp)
    root = build_message(spec, header, children)
    counts = {name: len(root.findall(path)) for name, path in COUNTED.items()}

    folder = Path(out_dir) / "cin" / la_code / spec.year
    name = f"cin_census_{la_code}_{spec.year}.xml"
    with replacing_folder(folder) as staging:
        (staging / name).write_bytes(census_bytes(root))
        manifest = {
            "return": "CIN census",
            "collection_year": spec.year,
            "period_start": spec.period_start.isoformat(),
            "reference_date": spec.reference_date.isoformat(),
            "la_code": la_code,
            "generated_at": stamp.isoformat() + "Z",
            "software_version": foundation.__version__,
            "serial_no": serial_no,
            "validator_ruleset": spec.validator_ruleset,
            "files": [{"name": name, "sha256": sha256_of(staging / name), "counts": counts}],
        }
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return CensusFiles(folder=folder, xml=folder / name, manifest=folder / MANIFEST_NAME, counts=counts)


def export_census(settings: Settings, year: str, out_dir: Path, *, serial_no: int = 1) -> CensusFiles:
    """Open the warehouse read-only and write the census of `year` under `out_dir` (the CLI's `export cin`)."""
    from foundation.warehouse import connect

    con = connect(settings, read_only=True)
    try:
        return write_cin_census(con, year=year, out_dir=out_dir, la_code=settings.la_code, serial_no=serial_no)
    finally:
        con.close()
