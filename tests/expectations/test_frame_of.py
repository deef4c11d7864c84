"""The raw suites' frames (expectations.gx_pandas.frame_of): the rows DuckDB's `.df()` gives, dtype for dtype and
value for value, whatever the column types and nulls of a raw table, so GX judges the same frame as before."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from expectations.gx_pandas import frame_of

# a raw table's column types (VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP) with and without nulls, a text column that
# is all nulls (`.df()`: object of None), text of other scripts and an empty string
RAW_LIKE = """
    select * from (values
        ('P1', 'é ✓', cast(null as varchar), 1, cast(null as bigint), 1.5, date '2024-03-31', date '0001-01-01',
         timestamp '2024-04-01 09:30:00', true),
        ('P2', '', cast(null as varchar), cast(null as bigint), cast(null as bigint), cast(null as double),
         cast(null as date), date '9999-12-31', cast(null as timestamp), cast(null as boolean)),
        (cast(null as varchar), 'x', cast(null as varchar), -7, cast(null as bigint), -0.0, date '1970-01-01',
         cast(null as date), timestamp '1999-12-31 23:59:59.999999', false)
    ) as t(person_id, note, blank, n, no_number, score, on_date, odd_date, loaded_at, flag)
"""


@pytest.mark.parametrize("sql", [
    RAW_LIKE,
    f"select * from ({RAW_LIKE}) as t where false",  # no rows: every text column is object
    f"select person_id, note from ({RAW_LIKE}) as t",  # text only
    f"select n, on_date from ({RAW_LIKE}) as t order by n",  # no text
], ids=["every type", "no rows", "text only", "no text"])
def test_frame_of_is_what_df_gives(sql):
    con = duckdb.connect()
    expected = con.execute(sql).df()

    frame = frame_of(con, sql)

    assert list(frame.columns) == list(expected.columns)
    assert list(frame.dtypes) == list(expected.dtypes)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)


def test_frame_of_keeps_the_query_order():
    con = duckdb.connect()
    sql = "select 'r' || lpad(cast(i as varchar), 6, '0') as row_id, i from range(100000) as t(i) order by i desc"

    frame = frame_of(con, sql)

    assert frame["row_id"].iloc[0] == "r099999" and frame["i"].iloc[-1] == 0
    assert frame["row_id"].is_monotonic_decreasing
