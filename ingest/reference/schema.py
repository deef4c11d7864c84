"""Contract of the reference feed (docs/specs/FEEDS.md). Working days come from the `holidays` library, not a file."""

from __future__ import annotations

from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="reference",
    description="Reference data: mid-year population estimates and the local authorities list.",
    tables=(
        TableContract(
            feed="reference",
            table="population",
            file_pattern=r"population\.csv",
            key=("la_code", "year", "age"),
            columns=parse_columns("la_code:id, year:int, age:string, population:int", not_null=("la_code", "year", "age", "population")),
            semantics="replace",
            rows_required=True,
            description="Mid-year population estimates by single year of age 0-17 (or the band 0-17).",
        ),
        TableContract(
            feed="reference",
            table="local_authorities",
            file_pattern=r"local_authorities\.csv",
            key=("la_code",),
            columns=parse_columns(
                "la_code:id, la_gss_code:string, la_name:string, region:string, stat_neighbours?:string",
                not_null=("la_code", "la_name"),
            ),
            semantics="replace",
            rows_required=True,
            description="Local authorities: DfE 3-digit code, GSS code, name, region, statistical neighbours.",
        ),
    ),
)
