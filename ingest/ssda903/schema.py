"""Contract of the ssda903 feed: an authority's SSDA903 CSV set, `landing/ssda903/<collection year>/*.csv`.

File names vary between authorities, so a file is recognised by its header row, never its name: it is the
year's table whose every column the header carries (the one with the most such columns; extra columns are
kept as text like any feed's). The tables, columns and code lists are the year's specification
(`ingest.ssda903.spec`, the one the export writes from). A code outside the year's list refuses the file with
its row and column, as does a date that is not dd/mm/yyyy (or ISO). CHILD is the person id, pseudonymised at
ingest like an SSD person id (same HMAC of "<la_code>:<id>", so the same child from both sources has one key).

Each file lands as a batch of `raw.ssda903__<table>` with its collection year; every year's rows stay (an
authority loads its whole history) and staging keeps each year's newest file (`models/staging/ssda903/`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ingest.core.contract import Column, FeedContract, TableContract
from ingest.core.read import ContractError
from ingest.ssda903.spec import UnknownYear, YearSpec, available_years, load_year

FEED = "ssda903"
YEAR_COLUMN = "collection_year"
NEVER_BY_NAME = r"(?!)"  # matches no file name: the header row decides (`table_for_header`)
DATES = frozenset({"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
                   "DATE_PLACED_CEASED", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC"})
# Within one year's file no two rows share these (the DfE's own uniqueness); the collection year is added.
KEYS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD",), "episodes": ("CHILD", "DECOM"), "reviews": ("CHILD", "REVIEW"), "uasc": ("CHILD",),
    "oc2": ("CHILD",), "oc3": ("CHILD",), "ad1": ("CHILD",), "placed_for_adoption": ("CHILD", "DATE_PLACED"),
    "previous_permanence": ("CHILD",), "missing": ("CHILD", "MIS_START", "MISSING"),
    "sw_episodes": ("CHILD", "SW_DECOM"),  # SW_ID may be blank (the export has no source for it)
}
NOT_NULL = frozenset({"CHILD", "DECOM", "REVIEW", "MIS_START"})


def _column(name: str, codes: frozenset[str] | None, required: bool = True) -> Column:
    kind = "id" if name == "CHILD" else "date" if name in DATES else "code" if codes else "string"
    return Column(name=name.lower(), type=kind, required=required, nullable=name not in NOT_NULL,  # type: ignore[arg-type]
                  codes=tuple(sorted(codes)) if codes else None)


def _year_column(year: str | None) -> Column:
    return Column(YEAR_COLUMN, "string", required=False, nullable=year is None,
                  description="collection year of the folder the file was landed in, e.g. 2024-25")


def _table(name: str, columns: tuple[Column, ...], year: str | None) -> TableContract:
    return TableContract(
        feed=FEED, table=name, file_pattern=NEVER_BY_NAME,
        key=(YEAR_COLUMN, *(k.lower() for k in KEYS[name])), columns=(*columns, _year_column(year)),
        semantics="incremental",
        description=(f"SSDA903 {name} table ({year} list of codes)" if year else
                     f"SSDA903 {name} table of every collection year, recognised by its header row; one batch per "
                     "file, each year's newest file current (staging)"),
        codes_refused=True, person_id_columns=("child",),
        fixed_values=((YEAR_COLUMN, year),) if year else (),
    )


@cache
def year_contracts(year: str) -> dict[str, TableContract]:
    """Each table of collection year `year` as its files are read: the year's columns and code lists."""
    spec = load_year(year)
    return {name: _table(name, tuple(_column(c, spec.code_list(c)) for c in columns), year)
            for name, columns in spec.tables.items()}


def _union_tables() -> tuple[TableContract, ...]:
    """One raw table per 903 table, with every column any year has (typed as the years type it)."""
    specs: list[YearSpec] = [load_year(y) for y in available_years()]
    tables: dict[str, dict[str, set[str]]] = {}
    present: dict[str, dict[str, int]] = {}
    for spec in specs:
        for name, columns in spec.tables.items():
            for column in columns:
                tables.setdefault(name, {}).setdefault(column, set()).update(spec.code_list(column) or ())
                present.setdefault(name, {}).setdefault(column, 0)
                present[name][column] += 1
    return tuple(
        _table(name, tuple(_column(c, frozenset(codes) or None, required=present[name][c] == len(specs))
                           for c, codes in columns.items()), None)
        for name, columns in tables.items())


def table_for_header(path: Path, header: list[str], label: str) -> TableContract:
    """The contract of a landed 903 file, from its year folder and header row, or ContractError saying why not."""
    year = path.parent.name
    if path.parent.parent.name != FEED:
        raise ContractError(label, "an SSDA903 file must be in a collection-year folder, "
                                   "landing/ssda903/<year like 2024-25>/")
    try:
        contracts = year_contracts(year)
    except UnknownYear as unknown:
        raise ContractError(label, f"folder {year!r}: {unknown}") from None
    names = {h.strip().lower() for h in header}
    fitting = [c for c in contracts.values() if {col.name for col in c.columns if col.required} <= names]
    if not fitting:
        shown_header = ",".join(h.strip() for h in header)[:120]
        raise ContractError(label, f"row 0 (header): unknown table header '{shown_header}': the columns of no {year} "
                                   f"SSDA903 table ({', '.join(contracts)})")
    return max(fitting, key=lambda c: len(c.columns))


CONTRACT = FeedContract(
    optional=True,  # a statutory source: an authority on the SSD never sends it
    feed=FEED,
    description="SSDA903 (children looked after) CSV sets, one folder per collection year "
                "(landing/ssda903/<year>/*.csv), each table recognised by its header row: a case-system source for "
                "an authority not yet on the SSD (docs/statutory/sources.md).",
    tables=_union_tables(),
    table_for_header=table_for_header,
)
