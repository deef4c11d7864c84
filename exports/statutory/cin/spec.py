"""The CIN census year files, read from the ingest floor (`ingest/cin_census/spec.py`: one definition for the
writer here and the census reader), with an unknown year refused as an export refusal."""

from __future__ import annotations

from exports.errors import ExportRefused
from ingest.cin_census.spec import CensusYear, UnknownCensusYear, available_years
from ingest.cin_census.spec import load_year as _load_year

__all__ = ["CensusYear", "available_years", "load_year"]


def load_year(year: str) -> CensusYear:
    """The specification of collection year `year` (e.g. "2024-25"), or ExportRefused naming the years we have."""
    try:
        return _load_year(year)
    except UnknownCensusYear as exc:
        raise ExportRefused(str(exc)) from None
