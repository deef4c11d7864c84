"""Great Expectations through pandas: on DuckDB, each table is read once into a DataFrame and validated once
with its whole suite (GX's SQL datasource over DuckDB returned empty metrics when probed). The Postgres
target runs the same suites as SQL in the server instead (`expectations.gx_postgres`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pandas as pd


class PandasValidator:
    """One ephemeral GX context, one pandas batch definition, reused for every table. Each suite runs as a
    GX validation definition (`expectations.gx_runs`), so its results land in the context's (in-memory)
    results store, from which the Data Docs are built at the end of the run."""

    def __init__(self, result_format: dict[str, Any], *, run_name: str, run_time: datetime) -> None:
        from expectations._gx import ProgressBarsConfig, RunIdentifier, gx
        from expectations.gx_runs import SuiteRuns

        self.context = gx.get_context(mode="ephemeral")
        # No tqdm bars in command output (GX shows them by default for every metric calculation).
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        asset = self.context.data_sources.add_pandas("csw_checks").add_dataframe_asset("current_rows")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_table")
        run_id = RunIdentifier(run_name=run_name, run_time=run_time.replace(tzinfo=timezone.utc))
        self._runs = SuiteRuns(self.context, result_format, run_id)

    def validate(self, suite: Any, frame: pd.DataFrame) -> list[Any]:
        return self._runs.validate(suite, self._batch_definition, dataframe=frame)


def frame_of(con: Any, sql: str) -> pd.DataFrame:
    """`sql`'s rows as DuckDB's own `.df()` gives them, column for column and dtype for dtype, in a third of the
    time for a table of text: `.df()` hands pandas every VARCHAR value as a Python string, which pandas then
    copies into its Arrow-backed `str` dtype (2 of the 3 s a region's raw tables took); here DuckDB writes Arrow
    and the text columns go to pandas as Arrow arrays. The other columns are converted by DuckDB from that Arrow
    table (its nullable Int64, boolean and datetime64[us]), and a text column with no value is `.df()`'s object
    column of None."""
    import pyarrow as pa

    table = con.sql(sql).to_arrow_table()
    text = {name for name, kind in zip(table.column_names, table.schema.types)
            if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)}
    others = [name for name in table.column_names if name not in text]
    converted = con.from_arrow(table.select(others)).df() if others else None
    columns: dict[str, Any] = {}
    for name, column in zip(table.column_names, table.columns):
        if name not in text:
            columns[name] = converted[name]
        elif column.null_count == len(column):
            columns[name] = pd.Series([None] * len(column), dtype=object)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, columns=table.column_names)


def as_nanoseconds(series: pd.Series) -> pd.Series:
    """GX compares datetime64[ns] columns vectorised but falls back to a Python loop per row for any other
    resolution (DuckDB hands pandas datetime64[us]); a date beyond 2262 cannot be ns, so keep it as is."""
    try:
        return series.astype("datetime64[ns]")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return series


def decimals_as_numbers(frame: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """DECIMAL arrives from DuckDB as Python Decimals: GX's range checks need numbers."""
    if column in frame.columns and frame[column].dtype == object:
        frame[column] = pd.to_numeric(frame[column])
    return frame
