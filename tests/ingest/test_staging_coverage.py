"""Every SSD object of the contract has one staging model, the pass-through models never carry the
identifying columns of their raw tables (postcodes, addresses, pupil numbers, identifier values, a baby's
date of birth, court references), and the committed dbt sources YAML is what the contracts render."""

from __future__ import annotations

import re

from foundation.settings import DBT_PROJECT_DIR
from ingest.case_system.schema import CONTRACT, OTHER_OBJECTS

STAGING = DBT_PROJECT_DIR / "models" / "staging" / "case_system"
NEVER_SELECTED = ("addr_address_postcode", "addr_address_json", "moth_childs_dob", "link_identifier_value",
                  "send_upn", "send_uln", "prep_court_reference", "pers_common_child_id", "clap_cla_placement_postcode")


def _models() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in STAGING.glob("stg_case_system__*.sql")}


def test_every_ssd_object_has_exactly_one_staging_model():
    models = _models()
    for table in CONTRACT.tables:
        reading = [name for name, sql in models.items() if f"'case_system__{table.table}'" in sql]
        assert len(reading) == 1, f"{table.table}: staged by {reading}"
    assert len(CONTRACT.tables) == 46 and len(OTHER_OBJECTS) == 17


def test_identifying_columns_never_leave_raw():
    for name, sql in _models().items():
        for column in NEVER_SELECTED:
            for line in (line for line in sql.splitlines() if re.search(rf"\b{column}\b", line)):
                # only ever tested for presence, e.g. (send_upn is not null or send_uln is not null) as has_…
                assert re.search(rf"\b{column} is not null\b", line), f"{name} selects {column}: {line.strip()}"


def test_every_person_id_of_the_pass_through_objects_becomes_a_child_key():
    models = _models()
    for table in CONTRACT.tables:
        if table.table not in OTHER_OBJECTS:
            continue
        [sql] = [sql for sql in models.values() if f"'case_system__{table.table}'" in sql]
        for column in (c.name for c in table.columns if c.name.endswith("_person_id")):
            assert f"{{{{ child_key('{column}') }}}}" in sql, f"{table.table}.{column} is not pseudonymised"


def test_committed_dbt_sources_are_what_the_contracts_render():
    """`python -m ingest.core.dbt_sources` was run after the last contract change."""
    from ingest.contracts import FEEDS
    from ingest.core.dbt_sources import render, source_path

    for feed in FEEDS.values():
        assert source_path(feed.feed).read_text(encoding="utf-8") == render(feed), (
            f"{source_path(feed.feed)} is stale: run `python -m ingest.core.dbt_sources`")
