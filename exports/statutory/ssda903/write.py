"""`write_ssda903`: one collection year's SSDA903 CSV set, written atomically with a manifest.

Files in `<out_dir>/ssda903/<la_code>/<year>/`: one `<table>.csv` per table of the year's specification
(ingest/ssda903/years/<year>.yaml: the DfE's column names in order, dates dd/mm/yyyy, codes as the year lists them) and
`manifest.json` (rows and SHA-256 of each file, the columns the SSD cannot fill, and the values outside the
year's code lists). Everything is written to a temporary folder beside that one and swapped in by rename,
so a re-run replaces the year and a failed run leaves the previous files.

CHILD is the authority's own case-system person id (raw._child_keys): the return goes back to the
authority, which submits it to the DfE. Nothing else the warehouse writes carries those ids.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import foundation
from exports.errors import ExportRefused
from exports.files import LA_CODE, MANIFEST_NAME, replacing_folder, sha256_of
from exports.statutory.ssda903.build import TABLES, Window, build_tables
from exports.statutory.ssda903.read import Row, child_ids, read_inputs
from exports.statutory.ssda903.spec import YearSpec, load_year, unfilled_columns
from foundation.settings import Settings
from foundation.warehouse import Connection, connect

DATE_FORMAT = "%d/%m/%Y"


@dataclass(frozen=True)
class Ssda903Files:
    folder: Path
    files: dict[str, Path]  # table -> its CSV
    rows: dict[str, int]  # table -> data rows
    manifest: Path
    codes_outside_year_list: dict[str, dict[str, int]]  # "table.COLUMN" -> value -> rows

    @property
    def paths(self) -> list[Path]:
        return [*self.files.values(), self.manifest]


def write_ssda903(con: Connection, *, year: str, out_dir: Path, la_code: str,
                  generated_at: datetime | None = None) -> Ssda903Files:
    """Write collection year `year` ("2024-25") from the warehouse, or raise ExportRefused having written nothing."""
    if not LA_CODE.fullmatch(la_code or ""):
        raise ExportRefused(f"la_code {la_code!r} must be letters and digits only")
    spec = load_year(year)
    unknown = sorted(set(spec.tables) - TABLES)
    if unknown:
        raise ExportRefused(f"the {year} specification names tables this version cannot build: {', '.join(unknown)}")
    tables = build_tables(read_inputs(con, la_code), Window(spec.start, spec.end), spec.tables)
    if not tables.get("episodes"):
        raise ExportRefused(f"no looked-after episode in {year} ({spec.start} to {spec.end}) in the SSD staging "
                            "models: was an extract covering the year loaded and built?")
    ids = child_ids(con, la_code, {row["CHILD"] for rows in tables.values() for row in rows})
    rendered = {name: render_table(spec, name, rows, ids) for name, rows in tables.items()}
    outside = {f"{name}.{column}": counts for name, (_, found) in rendered.items() for column, counts in found.items()}

    stamp = (generated_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    folder = Path(out_dir) / "ssda903" / la_code / spec.year
    with replacing_folder(folder) as staging:
        for name, (text, _) in rendered.items():
            (staging / f"{name}.csv").write_bytes(text.encode("utf-8"))
        manifest = _manifest(staging, spec, la_code, tables, outside, stamp)
        (staging / MANIFEST_NAME).write_bytes(manifest.encode("utf-8"))
    return Ssda903Files(
        folder=folder,
        files={name: folder / f"{name}.csv" for name in tables},
        rows={name: len(rows) for name, rows in tables.items()},
        manifest=folder / MANIFEST_NAME,
        codes_outside_year_list=outside,
    )


def render_table(spec: YearSpec, name: str, rows: list[Row], ids: dict[str, str]) -> tuple[str, dict[str, dict[str, int]]]:
    """The CSV text of one table (the year's columns in order, rows by CHILD then as built) and, per column,
    the values outside the year's code list with their row counts."""
    columns = spec.tables[name]
    outside: dict[str, Counter[str]] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    ordered = sorted(enumerate(rows), key=lambda pair: (ids[pair[1]["CHILD"]], pair[0]))
    for _, row in ordered:
        cells = []
        for column in columns:
            value = ids[row["CHILD"]] if column == "CHILD" else format_value(row.get(column))
            if value and column in spec.recode:
                mapped = spec.recode[column].get(value)
                if mapped is None:
                    outside.setdefault(column, Counter())[value] += 1
                value = mapped or ""
            elif value and column in spec.codes and value not in spec.codes[column]:
                outside.setdefault(column, Counter())[value] += 1
            cells.append(value)
        writer.writerow(cells)
    return buffer.getvalue(), {column: dict(sorted(counts.items())) for column, counts in sorted(outside.items())}


def format_value(value: object) -> str:
    """A cell as the DfE's 903 CSV holds it: dates dd/mm/yyyy, flags 0/1, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value).strip()


def _manifest(folder: Path, spec: YearSpec, la_code: str, tables: dict[str, list[Row]],
              outside: dict[str, dict[str, int]], stamp: datetime) -> str:
    unfilled = unfilled_columns()
    document = {
        "return": "SSDA903",
        "la_code": la_code,
        "collection_year": spec.year,
        "period_start": spec.start.isoformat(),
        "period_end": spec.end.isoformat(),
        "generated_at": stamp.replace(tzinfo=None).isoformat() + "Z",
        "software_version": foundation.__version__,
        "files": [
            {"name": f"{name}.csv", "table": name, "rows": len(rows), "sha256": sha256_of(folder / f"{name}.csv")}
            for name, rows in tables.items()
        ],
        "columns_without_ssd_source": {
            name: [c for c in spec.tables[name] if c in unfilled.get(name, [])]
            for name in tables if any(c in unfilled.get(name, []) for c in spec.tables[name])
        },
        "codes_outside_year_list": outside,
    }
    return json.dumps(document, indent=2) + "\n"


def export_ssda903(settings: Settings, year: str, out_dir: Path) -> Ssda903Files:
    """`csw export ssda903`: open the warehouse read-only and write `year` for the settings' authority."""
    con = connect(settings, read_only=True)
    try:
        return write_ssda903(con, year=year, out_dir=out_dir, la_code=settings.la_code)
    finally:
        con.close()
