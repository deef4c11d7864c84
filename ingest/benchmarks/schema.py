"""Contract of the benchmarks feed (docs/specs/FEEDS.md, docs/specs/REGIONAL_RETURN.md): other authorities' regional returns and
published national/regional figures.

Incremental, not replace: many authorities' files land side by side, so a file must never delete another's
rows. Every file is appended as a batch; staging keeps the newest row per key (a re-sent return wins).
"""

from __future__ import annotations

from ingest.core import codes
from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="benchmarks",
    description="Other authorities' regional returns and published figures, for ranking and comparison.",
    tables=(
        TableContract(
            feed="benchmarks",
            table="regional_return",
            file_pattern=r"regional_return_[A-Za-z0-9]+_\d{4}-\d{2}Q[1-4]\.csv",
            key=("la_code", "period", "indicator_id"),
            columns=parse_columns(
                "la_code:id, period:string, indicator_id:id, numerator:decimal, denominator:decimal, value:figure",
                not_null=("la_code", "period", "indicator_id"),
            ),
            semantics="incremental",
            rows_required=True,
            description="regional_return_<LA>_<YYYY-YY>Q<n>.csv: another authority's return in our own CSV "
                        "layout (docs/specs/REGIONAL_RETURN.md).",
        ),
        TableContract(
            feed="benchmarks",
            table="published",
            file_pattern=r"published_[A-Za-z0-9_\-]+\.csv",
            key=("indicator_id", "area_code", "period"),
            columns=parse_columns(
                "indicator_id:id, area_code:id, area_type:code, period:string, value:figure",
                not_null=("indicator_id", "area_code", "period"),
                codes={"area_type": codes.AREA_TYPE},
            ),
            semantics="incremental",
            rows_required=True,
            description="published_<set>.csv: published national, regional and LA figures for an indicator set.",
        ),
    ),
)
