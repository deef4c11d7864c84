"""Registry of every feed contract, by feed name."""

from __future__ import annotations

from ingest.case_system.schema import CONTRACT as CASE_SYSTEM
from ingest.core.contract import FeedContract, TableContract
from ingest.reference.schema import CONTRACT as REFERENCE

FEEDS: dict[str, FeedContract] = {c.feed: c for c in (CASE_SYSTEM, REFERENCE)}


def all_tables() -> list[TableContract]:
    return [t for feed in FEEDS.values() for t in feed.tables]
