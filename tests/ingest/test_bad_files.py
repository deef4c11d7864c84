"""Bad files beyond test_load.py: empty, header-only, too big, unsafe names, unknown names in every new feed,
duplicate compound keys. Each is quarantined with a one-line reason, and the warehouse is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.settings import get_settings
from foundation.warehouse import connect
from ingest.contracts import all_tables
from ingest.core.load import load_landing

ATTENDANCE = (
    "person_id,school_urn,school_phase,week_start,possible_sessions,attended_sessions,"
    "authorised_absence_sessions,unauthorised_absence_sessions\n"
)
HEALTH = "assessment_id,person_id,assessment_type,requested_date,due_date,completed_date,outcome\n"
POPULATION = "la_code,year,age,population\n"


def write(landing: Path, feed: str, name: str, content: str | bytes) -> Path:
    path = landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def ingest(landing: Path, settings):
    con = connect(settings)
    try:
        return load_landing(con, landing, settings)
    finally:
        con.close()


def snapshot(settings) -> dict[str, list[tuple]]:
    """Every raw table's rows, the child keys and the audit rows of loaded files."""
    con = connect(settings, read_only=True)
    try:
        tables = {t.raw_table: con.execute(f"select * from raw.{t.raw_table} order by _batch_id, _row_number").fetchall()
                  for t in all_tables()}
        tables["_child_keys"] = con.execute("select * from raw._child_keys order by person_id").fetchall()
        tables["_loads/loaded"] = con.execute("select * from raw._loads where outcome = 'loaded' order by batch_id").fetchall()
        return tables
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path, settings):
    """Good health, attendance and population files, already loaded."""
    landing = tmp_path / "landing"
    write(landing, "health", "health_assessments_20240601.csv", HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,,DNA\n")
    write(landing, "education", "vs_attendance_20240510.csv", ATTENDANCE + "P1,105432,PRIMARY,2024-05-06,10,9,1,0\n")
    write(landing, "reference", "population.csv", POPULATION + "841,2023,0-17,22000\n")
    report = ingest(landing, settings)
    assert report.count("loaded") == 3
    before = snapshot(settings)
    assert len(before["health__assessments"]) == len(before["education__vs_attendance"]) == 1
    return landing, before


def assert_quarantined(report, settings, file_name: str, reason: str, stored_as: str | None = None) -> None:
    [outcome] = [f for f in report.files if f.file_name == file_name]
    assert outcome.outcome == "quarantined"
    assert outcome.reason == f"{file_name}: {reason}"
    assert "\n" not in outcome.reason
    moved = list(settings.quarantine_dir.rglob(stored_as or file_name))
    assert len(moved) == 1
    assert moved[0].with_name(moved[0].name + ".reason.txt").read_text() == outcome.reason + "\n"
    assert not (moved[0].parent.parent.parent / "landing").exists() or not any(
        p.name == file_name for p in (moved[0].parent.parent.parent / "landing").rglob("*"))


def test_empty_file_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "health", "health_assessments_20240701.csv", b"")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "health_assessments_20240701.csv", "empty file (no header row)")
    assert not (landing / "health" / "health_assessments_20240701.csv").exists()
    assert snapshot(settings) == before


@pytest.mark.parametrize(("feed", "name", "header"), [
    ("reference", "population.csv", POPULATION),
    ("reference", "local_authorities.csv", "la_code,la_gss_code,la_name,region\n"),
    ("benchmarks", "regional_return_840_2024-25Q4.csv", "la_code,period,indicator_id,numerator,denominator,value\n"),
])
def test_header_only_file_is_quarantined_where_rows_are_required(loaded, settings, feed, name, header):
    landing, before = loaded
    write(landing, feed, name, header)
    report = ingest(landing, settings)
    assert_quarantined(report, settings, name, "header only: this file must contain rows")
    assert snapshot(settings) == before


def test_header_only_incremental_file_loads_no_rows(loaded, settings):
    landing, before = loaded
    write(landing, "health", "health_assessments_20240701.csv", HEALTH)
    report = ingest(landing, settings)
    assert [(f.file_name, f.outcome, f.rows) for f in report.files if f.outcome != "duplicate"] == [
        ("health_assessments_20240701.csv", "loaded", 0)]
    after = snapshot(settings)
    assert {k: v for k, v in after.items() if k != "_loads/loaded"} == {k: v for k, v in before.items() if k != "_loads/loaded"}


def test_file_over_the_size_limit_is_quarantined(loaded, settings, monkeypatch):
    landing, before = loaded
    monkeypatch.setenv("CSW_MAX_FILE_BYTES", "100")
    small = get_settings()
    assert small.max_file_bytes == 100
    content = HEALTH + "".join(f"H{i},P1,RHA,2024-05-01,2024-05-29,,DNA\n" for i in range(2, 5))
    write(landing, "health", "health_assessments_20240701.csv", content)
    report = ingest(landing, small)
    size = len(content.encode())
    assert_quarantined(report, small, "health_assessments_20240701.csv",
                       f"file is {size:,} bytes, over the limit of 100 (CSW_MAX_FILE_BYTES)")
    assert snapshot(small) == before


@pytest.mark.parametrize("name", ["ssd person.csv", "%2e%2essd_person.csv", "ssd_person.csv%2f..%2f", "-ssd_person.csv",
                                  "ssd_person.csv;rm"])
def test_unsafe_file_name_is_quarantined_under_a_safe_name(loaded, settings, name):
    landing, before = loaded
    write(landing, "case_system", name, "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP9,M,2015-03-01,WBRI\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, name,
                       "unsafe file name (only letters, digits, '_', '-' and '.' are accepted)",
                       stored_as="unsafe-name.csv")
    assert not list(settings.quarantine_dir.rglob(name))  # never written under the name it came with
    assert snapshot(settings) == before


DOTTED = "unsafe file name: a name starting with '.' is hidden or looks like a path (rename the file to its contract name)"


@pytest.mark.parametrize("name", ["..ssd_person.csv", ".ssd_person.csv", "...csv", ".hidden"])
def test_dotted_file_name_is_quarantined_under_a_safe_name(loaded, settings, name):
    """A path-traversal-looking or hidden name is a bad file (issue 3): refused, never read, reason beside it."""
    landing, before = loaded
    write(landing, "case_system", name, "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP9,M,2015-03-01,WBRI\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, name, DOTTED, stored_as="unsafe-name.csv")
    assert not (landing / "case_system" / name).exists()
    assert snapshot(settings) == before


@pytest.mark.parametrize("name", [".DS_Store", "._ssd_person.csv", "Thumbs.db", "desktop.ini", "~$population.csv",
                                  ".~lock.population.csv#", ".ssd_person.csv.Xy12ab"])
def test_os_junk_and_unfinished_rsync_transfers_are_left_alone(loaded, settings, name):
    """What a desktop or a sync tool leaves behind (rsync's in-transfer `.name.XXXXXX` included) is neither
    loaded nor quarantined: moving an unfinished transfer away would break it."""
    landing, before = loaded
    path = write(landing, "case_system", name, "pers_person_id,pers_sex,pers_dob,pers_ethnicity\n")
    report = ingest(landing, settings)
    assert {f.outcome for f in report.files} == {"duplicate"}
    assert path.exists() and not settings.quarantine_dir.exists()
    assert snapshot(settings) == before


@pytest.mark.parametrize(("feed", "name"), [
    ("health", "health_assessments.csv"),
    ("health", "health_assessments_2024-06-01.csv"),
    ("education", "vs_attendance_202405.csv"),
    ("education", "vs_exclusions_20240601.csv"),
    ("partners", "police_missing.csv"),
    ("partners", "rhi_20240601.xlsx"),
    ("workforce", "workforce_2024_06.csv"),
    ("benchmarks", "regional_return_840_2024Q4.csv"),
    ("benchmarks", "published.csv"),
])
def test_file_name_matching_no_contract_in_each_new_feed_is_quarantined(loaded, settings, feed, name):
    landing, before = loaded
    write(landing, feed, name, "a,b\n1,2\n")
    report = ingest(landing, settings)
    assert_quarantined(report, settings, name, f"no {feed} contract matches this file name")
    assert snapshot(settings) == before


def test_duplicate_compound_key_in_attendance_is_quarantined(loaded, settings):
    landing, before = loaded
    write(landing, "education", "vs_attendance_20240517.csv", ATTENDANCE + (
        "1001,105432,PRIMARY,2024-05-13,10,10,0,0\n"
        "1002,105432,PRIMARY,2024-05-13,10,8,2,0\n"
        "1001.0,105432,PRIMARY,13/05/2024,10,9,0,1\n"  # the same key, spelt the way Excel and UK dates spell it
    ))
    report = ingest(landing, settings)
    assert_quarantined(report, settings, "vs_attendance_20240517.csv",
                       "rows 1 and 3, column person_id+week_start: duplicate key person_id=1001, week_start=2024-05-13")
    assert snapshot(settings) == before


def test_a_later_incremental_file_appends_a_batch_restating_a_key(loaded, settings):
    landing, _ = loaded
    write(landing, "health", "health_assessments_20240701.csv",
          HEALTH + "H1,P1,IHA,2024-05-01,2024-05-29,2024-06-10,COMPLETED\n")
    report = ingest(landing, settings)
    assert [f.outcome for f in report.files if f.file_name == "health_assessments_20240701.csv"] == ["loaded"]
    con = connect(settings, read_only=True)
    rows = con.execute("select assessment_id, outcome, _batch_id from raw.health__assessments order by _batch_id").fetchall()
    con.close()
    assert [r[:2] for r in rows] == [("H1", "DNA"), ("H1", "COMPLETED")]  # staging keeps the newest (current_rows)
    assert rows[0][2] < rows[1][2]
