"""Great Expectations through Postgres: on the Postgres target, each table's suite runs as SQL in the server.

GX's SQL datasource (`add_postgres`) validates a query asset — the current batch of a raw table, or the
mart with its units joined on — so no table is pulled into pandas. Failing rows come back as their key
columns plus `_source_file` / `_row_number` (`unexpected_index_column_names`); `validate` turns those
into a small sample frame per expectation, the shape `expectations.verdicts` describes failing
rows from. DuckDB keeps the pandas path (GX over duckdb-engine returned empty metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from foundation.warehouse import Connection, sqlalchemy_url


class PostgresValidator:
    """One ephemeral GX context with one Postgres datasource; a query asset per validated query."""

    def __init__(
        self, con: Connection, result_format: dict[str, Any], *, run_name: str, run_time: datetime
    ) -> None:
        from expectations._gx import ProgressBarsConfig, RunIdentifier, gx
        from expectations.gx_runs import SuiteRuns

        self.context = gx.get_context(mode="ephemeral")  # its results store feeds the Data Docs
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self._datasource = self.context.data_sources.add_postgres(
            "csw_warehouse", connection_string=sqlalchemy_url(con))
        run_id = RunIdentifier(run_name=run_name, run_time=run_time.replace(tzinfo=timezone.utc))
        self._runs = SuiteRuns(self.context, result_format, run_id)
        self._result_format = result_format
        self._assets = 0

    def validate_query(
        self, suite: Any, query: str, index_columns: Sequence[str]
    ) -> list[tuple[Any, pd.DataFrame]]:
        """Validate `query` with the whole suite; per expectation its result and a frame of its failing rows
        (`index_columns` of each), with `partial_unexpected_index_list` rewritten as positions in that frame."""
        self._assets += 1
        asset = self._datasource.add_query_asset(f"query_{self._assets}", query=query)
        batch_definition = asset.add_batch_definition_whole_table("whole_query")
        result_format = {**self._result_format, "unexpected_index_column_names": list(index_columns)}
        validations = self._runs.validate(suite, batch_definition, result_format)
        pairs = []
        for validation in validations:
            result = validation.result or {}
            failing = [i for i in (result.get("partial_unexpected_index_list") or []) if isinstance(i, dict)]
            if not failing:  # multi-column expectations report the failing value combinations instead
                failing = [v for v in (result.get("partial_unexpected_list") or []) if isinstance(v, dict)]
            frame = pd.DataFrame.from_records(failing) if failing else pd.DataFrame(columns=list(index_columns))
            if failing:
                result["partial_unexpected_index_list"] = list(range(len(frame)))
            pairs.append((validation, frame))
        return pairs
