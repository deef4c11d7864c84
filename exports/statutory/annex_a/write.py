"""`write_annex_a`: Ofsted's Annex A workbook for an as-of date (the date of inspection), written atomically.

Files in `<out_dir>/annex_a/<la_code>/<as_of>/`: `annex_a_<la_code>_<as_of>.xlsx` and `manifest.json` (SHA-256
of the workbook, rows per list, the columns left empty). Written to a temporary folder beside that one and
swapped in by rename, as the regional return is; a re-run for the same date replaces the folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import foundation
from foundation.settings import Settings
from foundation.warehouse import Connection
from exports.errors import ExportRefused
from exports.files import LA_CODE, MANIFEST_NAME, iso_date, replacing_folder, sha256_of, utc_second
from exports.statutory.annex_a.read import Child, read_children, read_rows
from ingest.annex_a.spec import AnnexList, Column, age_on, load_codes, load_lists
from exports.statutory.annex_a.workbook import Facts, build_workbook
from exports.xlsx import workbook_bytes



@dataclass(frozen=True)
class AnnexAFiles:
    folder: Path
    workbook: Path
    manifest: Path
    rows: dict[int, int]  # list number -> rows written

    @property
    def paths(self) -> tuple[Path, Path]:
        return (self.workbook, self.manifest)


def export_annex_a(settings: Settings, as_of: date, out: Path) -> AnnexAFiles:
    """Open the warehouse read-only and write the workbook for `as_of` under `out`."""
    from foundation.warehouse import connect

    con = connect(settings, read_only=True)
    try:
        return write_annex_a(con, as_of=as_of, out_dir=out, la_code=settings.la_code)
    finally:
        con.close()


def write_annex_a(
    con: Connection, *, as_of: date, out_dir: Path, la_code: str, generated_at: datetime | None = None
) -> AnnexAFiles:
    if not LA_CODE.fullmatch(la_code or ""):
        raise ExportRefused(f"la_code {la_code!r} must be letters and digits only")
    stamp = utc_second(generated_at or datetime.now(timezone.utc))
    children = read_children(con, la_code=la_code, as_of=as_of)
    codes = load_codes()
    sheets = []
    for annex_list in load_lists():
        records = read_rows(con, annex_list, as_of, la_code)
        sheets.append((annex_list, _sheet_rows(annex_list, records, children, codes, as_of)))

    facts = Facts(la_code=la_code, as_of=as_of, generated_at=stamp, software_version=foundation.__version__)
    workbook = workbook_bytes(build_workbook(facts, sheets), timestamp=stamp)
    folder = Path(out_dir) / "annex_a" / la_code / as_of.isoformat()
    name = f"annex_a_{la_code}_{as_of.isoformat()}.xlsx"
    with replacing_folder(folder) as staging:
        (staging / name).write_bytes(workbook)
        (staging / MANIFEST_NAME).write_bytes(_manifest(staging, name, facts, sheets).encode("utf-8"))
    return AnnexAFiles(folder, folder / name, folder / MANIFEST_NAME, {a.number: len(r) for a, r in sheets})


def _sheet_rows(annex_list: AnnexList, records: list[dict[str, Any]], children: dict[str, Child],
                codes: dict[str, dict[str, str]], as_of: date) -> list[list[Any]]:
    rows = []
    for record in records:
        child = children.get(record["child_key"])
        if child is None or not child.child_id:
            raise ExportRefused(f"list {annex_list.number} record {record['record_id']}: its child_key has no "
                                f"case-system person id for this authority in raw._child_keys")
        values = {**record, **_child_values(child, as_of)}
        rows.append((record["event_date"] or date.min, child.child_id, str(record["record_id"]),
                     [_cell(column, values, codes) for column in annex_list.columns]))
    rows.sort(key=lambda row: row[:3])
    return [cells for *_, cells in rows]


def _child_values(child: Child, as_of: date) -> dict[str, Any]:
    return {
        "child_id": child.child_id,
        "gender": child.sex_code,
        "ethnicity": child.ethnicity_code,
        "birth_date": child.birth_date,
        "age": age_on(child.birth_date, child.expected_birth_date, as_of),
        "disability": child.disability,
        "allocated_team": child.allocated_team,
        "family_id": child.family_id,
    }


def _cell(column: Column, values: dict[str, Any], codes: dict[str, dict[str, str]]) -> Any:
    if column.field is None:
        return None
    value = values[column.field]
    if value is None:
        return None
    if column.format == "code":
        key = str(value).lower() if isinstance(value, bool) else str(value)
        return codes[column.codes].get(key, str(value))  # a code the list lacks is written as held, never guessed
    if column.format == "integer":
        return int(value)
    if column.format == "date":
        return value.date() if isinstance(value, datetime) else value
    return str(value)


def _manifest(folder: Path, name: str, facts: Facts, sheets: list[tuple[AnnexList, list[list[Any]]]]) -> str:
    document = {
        "return": "Ofsted Annex A",
        "la_code": facts.la_code,
        "as_of": facts.as_of.isoformat(),
        "generated_at": facts.generated_at.isoformat() + "Z",
        "software_version": facts.software_version,
        "files": [{"name": name, "sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size}],
        "lists": [
            {
                "number": annex_list.number,
                "sheet": annex_list.sheet,
                "title": annex_list.title,
                "period_start": iso_date(annex_list.period_start(facts.as_of)),
                "period_end": facts.as_of.isoformat(),
                "rows": len(rows),
                "columns_left_empty": [heading for heading, _ in annex_list.unfilled()],
            }
            for annex_list, rows in sheets
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


