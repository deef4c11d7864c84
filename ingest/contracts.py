"""Registry of every feed contract, by feed name."""

from __future__ import annotations

from ingest.annex_a.schema import CONTRACT as ANNEX_A
from ingest.benchmarks.schema import CONTRACT as BENCHMARKS
from ingest.case_system.schema import CONTRACT as CASE_SYSTEM
from ingest.cin_census.schema import CONTRACT as CIN_CENSUS
from ingest.core.contract import FeedContract, TableContract
from ingest.education.schema import CONTRACT as EDUCATION
from ingest.health.schema import CONTRACT as HEALTH
from ingest.partners.schema import CONTRACT as PARTNERS
from ingest.reference.schema import CONTRACT as REFERENCE
from ingest.ssda903.schema import CONTRACT as SSDA903
from ingest.workforce.schema import CONTRACT as WORKFORCE

FEEDS: dict[str, FeedContract] = {
    c.feed: c for c in (CASE_SYSTEM, HEALTH, EDUCATION, PARTNERS, WORKFORCE, REFERENCE, BENCHMARKS, ANNEX_A, CIN_CENSUS, SSDA903)
}


def all_tables() -> list[TableContract]:
    return [t for feed in FEEDS.values() for t in feed.tables]
