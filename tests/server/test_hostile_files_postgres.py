"""tests/ingest/test_hostile_files.py again, on a fresh Postgres warehouse: hostile headers, a poison file among
good ones, symbolic links, unsafe names and snapshot semantics behave the same on both engines (the warehouse
lock tests skip: they are DuckDB's)."""

from __future__ import annotations

import pytest

from tests.ingest.test_hostile_files import *  # noqa: F403 - the same tests, collected here with the fixture below


@pytest.fixture
def settings(pg_settings):
    """Every test above gets a fresh Postgres warehouse (as etl) instead of a DuckDB file."""
    return pg_settings
