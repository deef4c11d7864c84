"""Contract of the cin_census feed: the DfE's CIN census XML, one file per collection year, as a case-system
source for an authority without an SSD extract (issue 15). docs/statutory/sources.md maps each column onto the
SSD-shaped staging.

One file fills every table below (`read_document`: ingest/cin_census/read.py, streamed and safe), all in one
transaction under one batch id. Incremental: years accumulate; a later file of the same collection year
supersedes the earlier one (staging keeps, per year, the newest batch of `children`). LAchildID is the person id
(`person_id`), pseudonymised at ingest like an SSD person id.
"""

from __future__ import annotations

from ingest.cin_census.read import COLUMNS, read_census
from ingest.core.contract import FeedContract, TableContract, parse_columns

FILE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]*\.xml"

# table: (columns spec, description). Key: every column before the first that is not an id or index.
_TABLES: dict[str, tuple[str, str]] = {
    "children": (
        "collection_year:code, person_id:id, upn:string, former_upn:string, upn_unknown:code, birth_date:date, "
        "expected_birth_date:date, sex:code, sex_code:code, death_date:date, ethnicity:code",
        "One row per <Child>: ChildIdentifiers and Ethnicity; person_id is LAchildID; sex is the file's code "
        "(<Sex>, or <GenderCurrent> before 2024-25), sex_code the SSD code it stands for.",
    ),
    "disabilities": (
        "collection_year:code, person_id:id, disability_index:int, disability_code:code",
        "One row per <Disabilities><Disability> of a child.",
    ),
    "referrals": (
        "collection_year:code, person_id:id, referral_index:int, referral_date:date, referral_source:code, "
        "primary_need_code:code, closure_date:date, reason_for_closure:code, date_of_initial_cpc:date, "
        "referral_nfa:flag",
        "One row per <CINdetails> (a referral; referral_index its position in the child).",
    ),
    "assessments": (
        "collection_year:code, person_id:id, referral_index:int, assessment_index:int, start_date:date, "
        "internal_review_date:date, authorisation_date:date",
        "One row per <Assessments> of a referral.",
    ),
    "assessment_factors": (
        "collection_year:code, person_id:id, referral_index:int, assessment_index:int, factor_index:int, "
        "factor_code:code",
        "One row per <FactorsIdentifiedAtAssessment><AssessmentFactors> of an assessment.",
    ),
    "cin_plans": (
        "collection_year:code, person_id:id, referral_index:int, cin_plan_index:int, start_date:date, end_date:date",
        "One row per <CINPlanDates> of a referral.",
    ),
    "section47": (
        "collection_year:code, person_id:id, referral_index:int, s47_index:int, start_date:date, "
        "icpc_target_date:date, icpc_date:date, icpc_not_required:flag",
        "One row per <Section47> of a referral.",
    ),
    "cp_plans": (
        "collection_year:code, person_id:id, referral_index:int, cp_plan_index:int, start_date:date, end_date:date, "
        "initial_category:code, latest_category:code, previous_cp_plans:int",
        "One row per <ChildProtectionPlans> of a referral.",
    ),
    "cp_reviews": (
        "collection_year:code, person_id:id, referral_index:int, cp_plan_index:int, review_index:int, "
        "review_date:date",
        "One row per <Reviews><CPPreviewDate> of a CP plan.",
    ),
}


def _key(table: str) -> tuple[str, ...]:
    names = COLUMNS[table]
    return tuple(n for n in names if n in ("collection_year", "person_id") or n.endswith("_index"))


def _table(name: str, spec: str, description: str) -> TableContract:
    columns = parse_columns(spec, not_null=_key(name))
    if tuple(c.name for c in columns) != COLUMNS[name]:  # the reader's rows and the contract must agree
        raise ValueError(f"cin_census.{name}: contract columns differ from ingest/cin_census/read.py COLUMNS")
    return TableContract(feed="cin_census", table=name, file_pattern=FILE_PATTERN, key=_key(name), columns=columns,
                         semantics="incremental", description=description, rows_required=(name == "children"))


def read_document(path, shown_name: str, sha256: str | None, authority: str | None = None):
    """Every table's rows of one census file (the loader's hook for a file that fills several tables); its `<LEA>`
    must be `authority`'s, the folder it arrived in."""
    return read_census(path, shown_name, sha256=sha256, authority=authority)[1]


CONTRACT = FeedContract(
    optional=True,  # a statutory source: an authority on the SSD never sends it
    feed="cin_census",
    description="The DfE CIN census XML, one file per collection year (the year in its Header): a case-system "
                "source for an authority without an SSD extract. Read safely (no DTD, no entities) and streamed.",
    tables=tuple(_table(name, spec, description) for name, (spec, description) in _TABLES.items()),
    read_document=read_document,
)
