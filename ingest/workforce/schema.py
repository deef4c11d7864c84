"""Contract of the workforce feed (docs/specs/FEEDS.md): HR's monthly snapshot of social worker teams.

Each file is one month's snapshot, appended as a batch; the key spans months (snapshot_date, team_id), so
staging keeps every month and, where a month is re-sent, its newest row (dbt macro `current_rows`).
"""

from __future__ import annotations

from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="workforce",
    description="HR's monthly snapshot of social worker teams: establishment, filled, agency, vacancies, leavers.",
    tables=(
        TableContract(
            feed="workforce",
            table="team_snapshots",
            file_pattern=r"workforce_\d{8}\.csv",
            key=("snapshot_date", "team_id"),
            columns=parse_columns(
                "snapshot_date:date, team_id:id, team_name:string, establishment_fte:decimal, filled_fte:decimal, "
                "agency_fte:decimal, vacancy_fte:decimal, leavers_fte_in_month:decimal, sickness_days_in_month:decimal",
                not_null=("snapshot_date", "team_id"),
            ),
            semantics="snapshot",
            extract_date_in_name=True,
            description="workforce_<YYYYMMDD>.csv: one row per social worker team and month-end snapshot.",
        ),
    ),
)
