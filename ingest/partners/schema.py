"""Contract of the partners feed (docs/specs/FEEDS.md): police missing-person incidents, return home interviews and
family group conferences. Incremental: every file is appended as a batch; staging keeps the newest row per key.
"""

from __future__ import annotations

from ingest.core import codes
from ingest.core.contract import FeedContract, TableContract, parse_columns

CONTRACT = FeedContract(
    feed="partners",
    description="Partner agencies' extracts: police missing incidents, return home interviews, FGCs (incremental).",
    tables=(
        TableContract(
            feed="partners",
            table="police_missing",
            file_pattern=r"police_missing_\d{8}\.csv",
            key=("incident_ref",),
            columns=parse_columns(
                "incident_ref:id, person_id:id, reported_date:date, found_date:date, risk_level:code",
                not_null=("incident_ref", "reported_date"),  # person_id is blank when the police could not match
                codes={"risk_level": codes.RISK_LEVEL},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="police_missing_<YYYYMMDD>.csv: one row per missing-person incident; person_id blank "
                        "when the police could not match the child.",
        ),
        TableContract(
            feed="partners",
            table="rhi",
            file_pattern=r"rhi_\d{8}\.csv",
            key=("rhi_id",),
            columns=parse_columns(
                "rhi_id:id, person_id:id, missing_start_date:date, offered_date:date, completed_date?:date, "
                "declined:flag",
                not_null=("rhi_id", "person_id", "missing_start_date"),
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="rhi_<YYYYMMDD>.csv: one row per return home interview offered after a missing episode.",
        ),
        TableContract(
            feed="partners",
            table="fgc",
            file_pattern=r"fgc_\d{8}\.csv",
            key=("fgc_id",),
            columns=parse_columns(
                "fgc_id:id, person_id?:id, family_id:id, referral_date:date, conference_date?:date, outcome?:code",
                not_null=("fgc_id", "family_id", "referral_date"),
                codes={"outcome": codes.FGC_OUTCOME},
            ),
            semantics="incremental",
            extract_date_in_name=True,
            description="fgc_<YYYYMMDD>.csv: one row per family group conference referral (edge of care).",
        ),
    ),
)
