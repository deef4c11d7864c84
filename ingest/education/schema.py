"""Contract of the education feed (docs/specs/FEEDS.md): the virtual school's attendance, PEP and suspension extracts.

Incremental: every file is appended as a batch; staging keeps the newest row per key.
"""

from __future__ import annotations

from ingest.core import codes
from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="education",
    description="Virtual school extracts for looked-after pupils: weekly attendance, PEPs, suspensions (incremental).",
    tables=(
        TableContract(
            feed="education",
            table="vs_attendance",
            file_pattern=r"vs_attendance_\d{8}\.csv",
            key=("person_id", "week_start"),
            columns=parse_columns(
                "person_id:id, upn?:string, school_urn:id, school_phase:code, week_start:date, possible_sessions:int, "
                "attended_sessions:int, authorised_absence_sessions:int, unauthorised_absence_sessions:int",
                not_null=("person_id", "week_start"),
                codes={"school_phase": codes.SCHOOL_PHASE},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="vs_attendance_<YYYYMMDD>.csv: one row per pupil and school week (week_start a Monday); "
                        "attended + authorised + unauthorised = possible <= 10.",
        ),
        TableContract(
            feed="education",
            table="vs_pep",
            file_pattern=r"vs_pep_\d{8}\.csv",
            key=("pep_id",),
            columns=parse_columns(
                "pep_id:id, person_id:id, pep_date:date, pep_review_date?:date, quality_rating?:code",
                not_null=("pep_id", "person_id", "pep_date"),
                codes={"quality_rating": codes.PEP_QUALITY},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="vs_pep_<YYYYMMDD>.csv: one row per personal education plan meeting.",
        ),
        TableContract(
            feed="education",
            table="vs_suspensions",
            file_pattern=r"vs_suspensions_\d{8}\.csv",
            key=("exclusion_id",),
            columns=parse_columns(
                "exclusion_id:id, person_id:id, school_urn:id, start_date:date, sessions:int, category:code",
                not_null=("exclusion_id", "person_id", "start_date"),
                codes={"category": codes.EXCLUSION_CATEGORY},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="vs_suspensions_<YYYYMMDD>.csv: one row per suspension or permanent exclusion.",
        ),
    ),
)
