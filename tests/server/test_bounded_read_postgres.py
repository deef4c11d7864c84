"""tests/ingest/test_bounded_read.py again, on a fresh Postgres warehouse: caps and NUL bytes refuse the file and
leave the warehouse unchanged on both engines."""

from __future__ import annotations

import pytest

from tests.ingest.test_bounded_read import *  # noqa: F403 - the same tests, collected here with the fixture below


@pytest.fixture
def settings(pg_settings):
    """Every test above gets a fresh Postgres warehouse (as etl) instead of a DuckDB file."""
    return pg_settings
