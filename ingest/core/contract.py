"""The feed contract: one schema per table, written once.

The loader (`ingest.core.load`), the dbt source docs (`csw contracts --write-dbt-sources`) and the raw
Great Expectations suites (`expectations.suites`) all read these objects; nothing re-types them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

ColumnType = Literal["id", "string", "code", "flag", "date", "int", "decimal", "figure", "json_list"]
# A published figure: a decimal, or a marker standing for a value withheld (DfE's `c`: suppressed small number).
FIGURE_MARKERS = ("c",)
Semantics = Literal["snapshot", "incremental", "replace"]

# SQL type of each contract type in the raw layer (portable names: DuckDB and Postgres both accept them).
SQL_TYPES: dict[str, str] = {
    "id": "varchar",
    "string": "varchar",
    "code": "varchar",
    "flag": "varchar",
    "date": "date",
    "int": "bigint",
    "decimal": "double precision",
    "figure": "varchar",  # kept as text so the marker survives; staging casts the numbers
    "json_list": "varchar",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    required: bool = True  # must be present in the header
    nullable: bool = True  # values may be blank
    codes: tuple[str, ...] | None = None  # accepted values; a row outside them loads and is reported by a check
    description: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class TableContract:
    feed: str
    table: str
    file_pattern: str  # regular expression matched against the whole file name
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    semantics: Semantics
    description: str = ""
    rows_required: bool = False  # a header-only file is refused
    extract_date_in_name: bool = False  # the file name carries _YYYYMMDD
    codes_refused: bool = False  # a value outside its column's code list refuses the file (statutory files)
    person_id_columns: tuple[str, ...] = ()  # person ids not named `person_id` / `*_person_id` (the 903's CHILD)
    fixed_values: tuple[tuple[str, str], ...] = ()  # columns the reader fills for every row (the 903's year)

    @property
    def raw_table(self) -> str:
        """Name of the raw table, without schema: `<feed>__<table>`."""
        return f"{self.feed}__{self.table}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def matches(self, file_name: str) -> bool:
        return re.fullmatch(self.file_pattern, file_name, flags=re.IGNORECASE) is not None


@dataclass(frozen=True)
class FeedContract:
    feed: str
    description: str
    tables: tuple[TableContract, ...] = field(default_factory=tuple)
    # A feed whose one file fills several tables (the CIN census XML): (path, shown name, sha256) -> the rows of
    # each table, by `TableContract.table`. None: each file is one table's CSV (`ingest.core.read.read_table`).
    # (path, shown name, sha256, the authority folder's code) → rows by table
    read_document: Callable[[Any, str, str | None, str | None], dict[str, Any]] | None = None
    # A feed whose files are recognised by their header row, not their name (statutory files, in folders per
    # collection year): (path, header names, file label) -> the file's contract, or ContractError saying why not.
    table_for_header: Callable[[Path, list[str], str], TableContract] | None = None
    # A source an authority may never send (the statutory files: an authority on the SSD sends none of them):
    # its tables being empty is no warning (expectations/table_checks.py).
    optional: bool = False

    def table(self, name: str) -> TableContract:
        return next(t for t in self.tables if t.table == name)

    @property
    def in_subfolders(self) -> bool:
        """Files land one folder down (`landing/<feed>/<collection year>/`)."""
        return self.table_for_header is not None

    def table_for(self, file_name: str) -> TableContract | None:
        for t in self.tables:
            if t.matches(file_name):
                return t
        return None


def parse_columns(spec: str, *, not_null: tuple[str, ...] = (), codes: dict[str, tuple[str, ...]] | None = None) -> tuple[Column, ...]:
    """Columns from a compact spec: `name:type` items separated by commas, `?` suffix = optional column.

    `not_null` names the columns whose values may never be blank (key, person ids, the event date).
    """
    codes = codes or {}
    out = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        name, _, ctype = item.partition(":")
        optional = name.endswith("?")
        name = name.rstrip("?")
        out.append(
            Column(
                name=name,
                type=(ctype or "string"),  # type: ignore[arg-type]
                required=not optional,
                nullable=name not in not_null,
                codes=codes.get(name),
            )
        )
    return tuple(out)
