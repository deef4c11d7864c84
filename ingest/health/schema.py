"""Contract of the health feed (docs/specs/FEEDS.md): one row per health assessment event, monthly extracts.

Incremental: a later extract may restate an earlier `assessment_id`; the loader appends every file as a
batch and staging keeps the newest row per key (dbt macro `current_rows`).
"""

from __future__ import annotations

from ingest.core import codes
from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="health",
    description="Children-looked-after health assessments from the NHS trust's health team (incremental extracts).",
    tables=(
        TableContract(
            feed="health",
            table="assessments",
            file_pattern=r"health_assessments_\d{8}\.csv",
            key=("assessment_id",),
            columns=parse_columns(
                "assessment_id:id, person_id:id, nhs_number?:string, assessment_type:code, requested_date:date, "
                "due_date:date, completed_date:date, outcome:code, provider?:string",
                not_null=("assessment_id", "person_id", "requested_date"),
                codes={"assessment_type": codes.HEALTH_ASSESSMENT_TYPE, "outcome": codes.HEALTH_ASSESSMENT_OUTCOME},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="health_assessments_<YYYYMMDD>.csv: one row per assessment event (IHA, RHA, dental, ...); "
                        "a later extract's row for the same assessment_id wins.",
        ),
    ),
)
