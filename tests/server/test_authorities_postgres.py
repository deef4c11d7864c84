"""tests/ingest/test_authorities.py again, on a fresh Postgres warehouse: authority folders, `_la_code` on every raw
row, each authority's own keys and refusals, and an older warehouse's authority columns, the same on both engines."""

from __future__ import annotations

import pytest

from tests.ingest.test_authorities import *  # noqa: F403 - the same tests, collected here with the fixture below


@pytest.fixture
def settings(pg_settings):
    """Every test above gets a fresh Postgres warehouse (as etl) instead of a DuckDB file."""
    return pg_settings
