"""The load split per authority, as the server's `ingest__<feed>` maps it (docs/regional-hub.md "Scaling out"):
`feed_authorities` lists what a run of a feed loads (each refused folder, then each authority with files of the
feed that day; "" for CSW_LA_CODE's feed folders directly under the landing), and `load_feed(authority=…)` loads
that one authority's files only, quarantines a refused folder naming it, and needs only its own authority's
secret. Batch ids come from a sequence that continues an older warehouse's."""

from __future__ import annotations

from datetime import date

import pytest

from foundation.settings import SecretRefused
from foundation.warehouse import connect
from ingest.core.load import feed_authorities, load_feed
from tests.ingest.test_authorities import LA_LIST, SECRET_840
from tests.ingest.test_ssda903_feed import land
from tests.ingest.test_ssda903_feed import rows as query

HEALTH = "assessment_id,person_id,assessment_type,requested_date,due_date,completed_date,outcome\n"
DAY = date(2025, 3, 31)


@pytest.fixture
def region(tmp_path, settings, monkeypatch):
    """841 and 840 with a health file each for DAY (840 also one for the next day), 805 with only the next
    day's, and 999, a folder the reference data does not know."""
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", SECRET_840)
    landing = tmp_path / "landing"
    land(landing, "841/reference/local_authorities.csv", LA_LIST + "805,E06000001,Hartlepool,North East,841\n")
    land(landing, "841/health/health_assessments_20250331.csv", HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n")
    land(landing, "840/health/health_assessments_20250331.csv",
         HEALTH + "H1,P7,IHA,2025-03-02,2025-03-29,,DNA\nH2,P8,IHA,2025-03-03,2025-03-30,,DNA\n")
    land(landing, "840/health/health_assessments_20250401.csv", HEALTH + "H3,P9,IHA,2025-03-04,2025-03-31,,DNA\n")
    land(landing, "805/health/health_assessments_20250401.csv", HEALTH + "H1,P1,IHA,2025-03-05,2025-04-01,,DNA\n")
    land(landing, "999/health/health_assessments_20250331.csv", HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n")
    return landing


def _authorities(landing, settings, day=None) -> list[str]:
    from foundation.settings import get_settings

    con = connect(settings)
    try:
        return feed_authorities(con, landing, "health", get_settings(), day=day)
    finally:
        con.close()


def _load(landing, authority, day=DAY):
    from foundation.settings import get_settings

    settings = get_settings()  # the environment as the test left it (a secret set or removed)
    con = connect(settings)
    try:
        return load_feed(con, landing, "health", settings, day=day, as_of=day, authority=authority)
    finally:
        con.close()


def test_the_split_lists_refused_folders_then_the_authorities_with_files_of_the_day(region, settings):
    assert _authorities(region, settings) == ["999", "805", "840", "841"]  # every file
    assert _authorities(region, settings, DAY) == ["999", "840", "841"]  # 805 has none dated DAY
    assert _authorities(region, settings, date(2025, 4, 2)) == ["999"]  # nothing to load, the refusal still due
    assert (region / "999").is_dir()  # listing moves nothing


def test_each_authority_loads_only_its_own_files_and_a_refused_folder_is_quarantined_by_its_own_load(
        region, settings):
    report = _load(region, "840")
    assert [(f.authority, f.file_name, f.outcome, f.rows) for f in report.files] == [
        ("840", "health_assessments_20250331.csv", "loaded", 2)]  # the next day's file waits for its run
    assert query(settings, "select la_code, file_name, outcome from raw._loads") == [
        ("840", "health_assessments_20250331.csv", "loaded")]  # 841's file and the refused 999 untouched
    assert (region / "999").is_dir()

    report = _load(region, "999")
    reason = ("999/: not an authority the reference data knows (CSW_LA_CODE, raw.local_authorities, a landed "
              "reference/local_authorities.csv): not loaded")
    assert [(f.file_name, f.outcome, f.reason) for f in report.files] == [("999/", "quarantined", reason)]
    assert not (region / "999").exists()
    quarantined = list((settings.quarantine_dir / "authority_folders").glob("*/999/health"))
    assert len(quarantined) == 1

    assert [f.outcome for f in _load(region, "841").files] == ["loaded"]
    assert _load(region, "840").files[0].outcome == "duplicate"  # re-running one authority is a no-op
    assert query(settings, "select _la_code, assessment_id, _batch_id from raw.health__assessments "
                           "order by _batch_id, assessment_id") == [("840", "H1", 1), ("840", "H2", 1), ("841", "H1", 2)]
    assert query(settings, "select la_code, outcome from raw._loads order by loaded_at, la_code") == [
        ("840", "loaded"), ("999", "quarantined"), ("841", "loaded")]


def test_an_authority_without_a_secret_fails_its_own_load_only(region, settings, monkeypatch):
    monkeypatch.delenv("CSW_PSEUDONYMISATION_SECRET_840")
    with pytest.raises(SecretRefused, match="no pseudonymisation secret for authority 840: set "
                                            "CSW_PSEUDONYMISATION_SECRET_840"):
        _load(region, "840")
    assert [f.outcome for f in _load(region, "841").files] == ["loaded"]  # CSW_LA_CODE's own secret is enough
    assert query(settings, "select la_code, file_name from raw._loads") == [
        ("841", "health_assessments_20250331.csv")]  # nothing of 840's moved or loaded
    assert (region / "840" / "health" / "health_assessments_20250331.csv").is_file()


def test_the_one_authority_layout_is_the_one_entry_and_loads_as_before(tmp_path, settings):
    landing = tmp_path / "landing"
    land(landing, "health/health_assessments_20250331.csv", HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n")
    assert _authorities(landing, settings, DAY) == [""]
    report = _load(landing, "")
    assert [(f.authority, f.outcome, f.rows) for f in report.files] == [("", "loaded", 1)]
    assert query(settings, "select _la_code, assessment_id from raw.health__assessments") == [("841", "H1")]


def test_batch_ids_continue_after_those_of_a_warehouse_made_before_the_sequence(tmp_path, settings):
    from ingest.core.load import ensure_loads_table

    con = connect(settings)
    try:
        ensure_loads_table(con)  # an older warehouse: ids were the highest one plus one, and it reached 7
        con.execute("insert into raw._loads (batch_id, feed, table_name, file_name, outcome, la_code) "
                    "values (7, 'health', 'health__assessments', 'old.csv', 'loaded', '841')")
    finally:
        con.close()
    landing = tmp_path / "landing"
    land(landing, "health/health_assessments_20250331.csv", HEALTH + "H1,P1,IHA,2025-03-01,2025-03-28,,DNA\n")
    land(landing, "health/health_assessments_20250401.csv", HEALTH + "H2,P2,IHA,2025-03-01,2025-03-28,,DNA\n")
    _load(landing, None, DAY)
    _load(landing, None, date(2025, 4, 1))
    assert query(settings, "select batch_id, file_name from raw._loads order by batch_id") == [
        (7, "old.csv"), (8, "health_assessments_20250331.csv"), (9, "health_assessments_20250401.csv")]
