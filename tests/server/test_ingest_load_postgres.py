"""tests/ingest/test_load.py again, on a fresh Postgres warehouse: the loader's semantics are the same on both engines."""

from __future__ import annotations

import pytest

from tests.ingest.test_load import *  # noqa: F403 - the same tests, collected here with the fixture below


@pytest.fixture
def settings(pg_settings):
    """Every test above gets a fresh Postgres warehouse (as etl) instead of a DuckDB file."""
    return pg_settings
