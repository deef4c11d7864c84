"""The SSDA903 year specification the export writes to: one definition, kept on the ingest floor
(`ingest.ssda903.spec`) so the loader reads a year's files against the same tables, columns and codes.
Here a year without a specification is an export refused."""

from __future__ import annotations

from exports.errors import ExportRefused
from ingest.ssda903 import spec as _spec
from ingest.ssda903.spec import NO_SOURCE, UnknownYear, YearSpec, available_years, column_sources, unfilled_columns

__all__ = ["NO_SOURCE", "YearSpec", "available_years", "column_sources", "load_year", "unfilled_columns"]


def load_year(year: str) -> YearSpec:
    """The specification of collection year `year`, or ExportRefused naming the years there are."""
    try:
        return _spec.load_year(year)
    except UnknownYear as unknown:
        raise ExportRefused(str(unknown)) from None
