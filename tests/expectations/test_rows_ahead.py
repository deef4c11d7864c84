"""The raw tables' rows read ahead by a thread (expectations.table_checks.RowsAhead): each table's checks, columns
and frame are what reading it in turn gives, taken in the order given; an error of a read is raised where the
rows are taken; closing stops what waits and leaves the warehouse's own connection usable."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from expectations import table_checks
from expectations.table_checks import RowsAhead, table_rows
from ingest.contracts import all_tables


def test_rows_read_ahead_are_the_rows_read_in_turn(warehouse, as_of):
    contracts = list(all_tables())
    columns = table_checks.schema_columns(warehouse, "raw")
    with RowsAhead(warehouse, contracts, as_of, columns, ahead=3) as ahead:
        taken = [ahead.take(contract) for contract in contracts]
    loaded = 0
    for contract, read in zip(contracts, taken):
        in_turn = table_rows(warehouse, contract, as_of, sql=False, raw_columns=columns)
        assert read.contract is contract
        assert (read.columns, read.rows, read.query) == (in_turn.columns, in_turn.rows, None)
        assert [c.check_name for c in read.checks] == [c.check_name for c in in_turn.checks]
        pd.testing.assert_frame_equal(read.frame, in_turn.frame, check_exact=True)
        loaded += bool(read.rows)
    assert loaded >= 4  # the fixture's persons, referrals, population and authorities
    assert warehouse.execute("select count(*) from raw.case_system__ssd_person").fetchone()[0] > 0


def test_rows_are_taken_in_the_order_given(warehouse, as_of):
    first, second = list(all_tables())[:2]
    with RowsAhead(warehouse, [first, second], as_of, table_checks.schema_columns(warehouse, "raw")) as ahead:
        with pytest.raises(ValueError, match=f"rows of raw.{first.raw_table} read ahead, "
                                             f"raw.{second.raw_table} taken"):
            ahead.take(second)


def test_a_failed_read_is_raised_where_its_rows_are_taken(warehouse, as_of):
    first, second = list(all_tables())[:2]
    columns = table_checks.schema_columns(warehouse, "raw")  # read while the second table was there
    warehouse.execute(f"drop table raw.{second.raw_table}")
    with RowsAhead(warehouse, [first, second], as_of, columns) as ahead:
        assert ahead.take(first).contract is first
        with pytest.raises(duckdb.Error):
            ahead.take(second)
    assert warehouse.execute("select 1").fetchone() == (1,)  # the warehouse's own connection is untouched


def test_closing_with_reads_waiting_cancels_them(warehouse, as_of, monkeypatch):
    started = []
    began, release = threading.Event(), threading.Event()
    read = table_checks.table_rows

    def held_first(*args, **kwargs):  # the first read waits for `release`: the second is still queued
        started.append(args[1].raw_table)
        began.set()
        release.wait(timeout=30)
        return read(*args, **kwargs)

    monkeypatch.setattr(table_checks, "table_rows", held_first)
    contracts = list(all_tables())
    ahead = RowsAhead(warehouse, contracts, as_of, table_checks.schema_columns(warehouse, "raw"), ahead=2)
    assert began.wait(timeout=30)  # the first read is under way
    threading.Timer(0.3, release.set).start()  # lets it end while close() waits for it
    ahead.close()
    assert started == [contracts[0].raw_table]  # the queued read was cancelled, never started
    assert not [t for t in threading.enumerate() if t.name.startswith("csw-check-rows")]  # the reader is gone
