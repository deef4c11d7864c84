"""Feed contract: `annex_a`, Ofsted's Annex A workbook as a case-system source (docs/statutory/sources.md).

One workbook (`landing/annex_a/*.xlsx`) fills one raw table per list, `raw.annex_a__<table>` (`table` in
lists.yaml). The contract is derived from the same list definitions the export writes (ingest/annex_a/spec.py):
each heading becomes a column named by its `field` (Child Unique ID → `person_id`, pseudonymised at ingest like
every SSD person id), or, for a column the export cannot fill, by its heading in snake case. Every row carries
the workbook's as-of date and its Excel row number, the key of the table.

Semantics: incremental (several workbooks, several inspection dates, all kept); a workbook with the as-of date
of one loaded before replaces that workbook's rows (`ingest/annex_a/workbook.py` says how the date is found).
"""

from __future__ import annotations

import re

from ingest.annex_a.spec import AnnexList, Column as ListColumn, load_codes, load_lists
from ingest.core import codes as dfe
from ingest.core.contract import Column, FeedContract, TableContract

FEED = "annex_a"
# Every list table is matched by the workbook's name; the loader reads the workbook once for all of them.
# .xlsm and .xls are matched so that they are refused with their reason (macros; encrypted or legacy).
WORKBOOK_PATTERN = r"[^/]+\.(xlsx|xlsm|xls)"
RAW_NAMES = {"child_id": "person_id"}  # the Child Unique ID is the authority's person id
FORMAT_TYPES = {"date": "date", "integer": "int", "code": "code", "text": "string"}
# A DfE code Ofsted's label list lacks (SSDA903's E43, E44) is accepted as the bare code: the export writes such a
# code as the SSD holds it, and the DfE list is the authority's own case system's.
DFE_CODES = {
    "gender": dfe.SEX, "ethnicity": dfe.ETHNICITY, "source": dfe.REFERRAL_SOURCE, "primary_need": dfe.PRIMARY_NEED,
    "abuse_category": dfe.CP_CATEGORY, "legal_status": dfe.LEGAL_STATUS, "reason_ceased": dfe.REASON_EPISODE_CEASED,
    "placement_type": dfe.PLACEMENT_TYPE, "in_touch": dfe.CARE_LEAVER_IN_TOUCH,
}


META = (
    Column("as_of_date", "date", nullable=False, description="the workbook's as-of date (date of inspection)"),
    Column("sheet_row", "int", nullable=False, description="the row's number in its sheet (Excel's)"),
)


def column_name(column: ListColumn) -> str:
    """The raw column of a list column: its field (`child_id` → `person_id`), else its heading in snake case."""
    if column.field:
        return RAW_NAMES.get(column.field, column.field)
    return snake(column.heading)


def snake(heading: str) -> str:
    """A heading in snake case, at most 63 characters (Postgres' limit): `Placement postcode` → placement_postcode."""
    return re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")[:63].rstrip("_")


def column_type(column: ListColumn) -> str:
    if column.field == "child_id":
        return "id"
    return FORMAT_TYPES.get(column.format or "text", "string")


def _codes(codes: dict[str, dict[str, str]], name: str | None) -> tuple[str, ...]:
    """The SSD codes a code column holds in raw: codes.yaml's and the DfE list's (`DFE_CODES`)."""
    return tuple(dict.fromkeys([*codes[name or ""], *DFE_CODES.get(name or "", ())]))


def _table(annex_list: AnnexList) -> TableContract:
    codes = load_codes()
    columns = tuple(
        Column(column_name(c), column_type(c), nullable=c.field != "child_id",  # type: ignore[arg-type]
               codes=_codes(codes, c.codes) if c.format == "code" else None, description=c.heading)
        for c in annex_list.columns
    )
    names = [c.name for c in META + columns]
    if len(set(names)) != len(names):
        raise ValueError(f"lists.yaml list {annex_list.number}: two columns share a raw name in {names}")
    return TableContract(
        feed=FEED, table=annex_list.table, file_pattern=WORKBOOK_PATTERN, key=("as_of_date", "sheet_row"),
        columns=META + columns, semantics="incremental",
        description=f"Annex A list {annex_list.number}: {annex_list.title} (one row per row of its sheet, "
                    "with the workbook's as-of date); key as_of_date, sheet_row.",
    )


CONTRACT = FeedContract(
    optional=True,  # a statutory source: an authority on the SSD never sends it
    feed=FEED,
    description="Ofsted's Annex A workbook (lists 1-11) from an authority not yet on the SSD: one raw table per "
                "list, each recognised by its headings, codes read back from Ofsted's answer labels.",
    tables=tuple(_table(annex_list) for annex_list in load_lists()),
)
TABLES = {t.table: t for t in CONTRACT.tables}
