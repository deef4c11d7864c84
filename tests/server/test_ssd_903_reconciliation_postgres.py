"""tests/expectations/test_ssd_903_reconciliation.py again, on Postgres: the SSD-against-SSDA903 checks' SQL
(make_date, the varchar casts, the correlated counts) gives the same warnings, figure for figure."""

from __future__ import annotations

import pytest

from foundation.warehouse import connect
from tests.expectations import test_ssd_903_reconciliation as on_duckdb
from tests.expectations.test_ssd_903_reconciliation import *  # noqa: F403 - the same tests, on the warehouse below


@pytest.fixture
def con(pg_settings):
    con = connect(pg_settings)
    on_duckdb.create_tables(con)
    yield con
    con.close()
