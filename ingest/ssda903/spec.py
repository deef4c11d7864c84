"""A collection year's SSDA903 specification, read from `years/<year>.yaml` and `years/columns.yaml`.

One definition for both directions: the loader reads a year's 903 files against it (`ingest.ssda903.schema`)
and the export writes them from it (`exports.statutory.ssda903`).

What differs between years (which tables, their columns and order, how SSD codes become the year's DfE
codes, the year's code lists) is data in those files; the code that builds the tables is the same for
every year. A year file may only name tables the builders know and columns `columns.yaml` lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml


YEARS_DIR = Path(__file__).parent / "years"
NO_SOURCE = "no SSD source"
_YEAR = re.compile(r"(\d{4})-(\d{2})")


class UnknownYear(ValueError):
    """No specification for a collection year (or not a year at all); the message is the one-line reason."""


@dataclass(frozen=True)
class YearSpec:
    year: str  # "2024-25"
    start: date  # 1 April
    end: date  # 31 March
    validator_collection_year: str  # csc-validator-be-903's metadata collectionYear, e.g. "2025"
    tables: dict[str, tuple[str, ...]]  # table name (its file is <name>.csv) -> DfE column names in order
    recode: dict[str, dict[str, str]]  # column -> SSD code -> the year's DfE code
    codes: dict[str, frozenset[str]]  # column -> the year's DfE code list

    def code_list(self, column: str) -> frozenset[str] | None:
        return self.codes.get(column)


def column_sources() -> dict[str, dict[str, str]]:
    """table -> DfE column -> where it comes from, or "no SSD source: why" (years/columns.yaml)."""
    document = _read(YEARS_DIR / "columns.yaml")
    return {table: {column: str(source) for column, source in columns.items()} for table, columns in document.items()}


def unfilled_columns() -> dict[str, list[str]]:
    """table -> the columns the SSD cannot fill (written blank)."""
    return {
        table: [column for column, source in columns.items() if source.startswith(NO_SOURCE)]
        for table, columns in column_sources().items()
    }


def available_years() -> list[str]:
    return sorted(p.stem for p in YEARS_DIR.glob("*.yaml") if _YEAR.fullmatch(p.stem))


def load_year(year: str) -> YearSpec:
    """The specification of collection year `year` ("2024-25"), or UnknownYear naming the years there are."""
    match = _YEAR.fullmatch(year or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise UnknownYear(f"collection year {year!r} is not a financial year like 2024-25")
    path = YEARS_DIR / f"{year}.yaml"
    if not path.is_file():
        raise UnknownYear(f"no SSDA903 specification for {year}: the years there are {', '.join(available_years())}")
    document = _read(path)
    _check_strings(document, path.name)
    spec = YearSpec(
        year=str(document["year"]),
        start=document["start"],
        end=document["end"],
        validator_collection_year=str(document["validator_collection_year"]),
        tables={name: tuple(columns) for name, columns in document["tables"].items()},
        recode={column: dict(mapping) for column, mapping in (document.get("recode") or {}).items()},
        codes={column: frozenset(values) for column, values in (document.get("codes") or {}).items()},
    )
    _check(spec, path)
    return spec


def _check(spec: YearSpec, path: Path) -> None:
    """Refuse a year file that disagrees with itself or with columns.yaml (a typo would otherwise be a blank column)."""
    name = path.name
    if spec.year != path.stem:
        raise ValueError(f"{name}: year {spec.year!r} does not match the file name")
    if (spec.start, spec.end) != (date(int(spec.year[:4]), 4, 1), date(int(spec.year[:4]) + 1, 3, 31)):
        raise ValueError(f"{name}: start and end must be 1 April and 31 March of {spec.year}")
    sources = column_sources()
    for table, columns in spec.tables.items():
        if table not in sources:
            raise ValueError(f"{name}: table {table!r} is not in columns.yaml")
        unknown = [c for c in columns if c not in sources[table]]
        if unknown:
            raise ValueError(f"{name}: {table} columns {unknown} are not in columns.yaml")


def _check_strings(document: dict, name: str) -> None:
    """Every code a string: YAML reads an unquoted YES or NO as a boolean and 01 as a number."""
    recode = document.get("recode") or {}
    for column, values in [*(document.get("codes") or {}).items(), *((c, [*m, *m.values()]) for c, m in recode.items())]:
        odd = [v for v in values if not isinstance(v, str)]
        if odd:
            raise ValueError(f"{name}: {column} codes {odd!r} must be quoted strings")


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
