"""The ssda903 feed on hand-written files: a table is recognised by its header row whatever the file is called,
in its collection-year folder with that year's code lists; dd/mm/yyyy dates; CHILD keyed exactly as an SSD
person id (one key for the same child from both sources); and each hostile file (unknown header, unknown code,
bad date, no year folder, a year without a specification) refused with its one-line reason and quarantined,
nothing already loaded lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foundation.warehouse import connect
from ingest.core.load import load_landing
from ingest.core.pseudonymise import child_key
from tests.ingest.test_bad_files import snapshot

HEADER_2425 = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
HEADER_2324 = HEADER_2425
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def land(landing: Path, relative: str, text: str) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ingest(landing: Path, settings):
    con = connect(settings)
    try:
        return load_landing(con, landing, settings, feeds=["case_system", "ssda903"])
    finally:
        con.close()


def rows(settings, sql: str) -> list[tuple]:
    con = connect(settings, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path, settings):
    """A 2024-25 set under names no contract would guess, and an SSD person file for the same child."""
    landing = tmp_path / "landing"
    land(landing, "ssda903/2024-25/Header_file_final.csv", HEADER_2425 + "C1,F,15/06/2010,WBRI,,,\n")
    land(landing, "ssda903/2024-25/eps.csv",
         EPISODES + "C1,10/01/2023,S,C2,N1,U1,PR1,01/06/2024,X1,,,,\n"
                    "C1,01/06/2024,P,C2,N1,U3,PR1,,,,,,\n")
    land(landing, "case_system/ssd_person.csv",
         "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nC1,F,2010-06-15,WBRI\n")
    report = ingest(landing, settings)
    assert report.count("loaded") == 3, [f.line() for f in report.files]
    return landing


def test_tables_are_recognised_by_header_and_keyed_like_ssd_person_ids(loaded, settings):
    assert rows(settings, "select child, decom, rne, ls, place, dec, collection_year from raw.ssda903__episodes "
                          "order by decom") == [
        ("C1", date(2023, 1, 10), "S", "C2", "U1", date(2024, 6, 1), "2024-25"),
        ("C1", date(2024, 6, 1), "P", "C2", "U3", None, "2024-25"),
    ]
    assert rows(settings, "select child, sex, dob from raw.ssda903__header") == [("C1", "F", date(2010, 6, 15))]
    # one key for the child of both sources: the same HMAC of "<la_code>:<person id>"
    assert rows(settings, "select person_id, child_key from raw._child_keys") == [
        ("C1", child_key(settings.pseudonymisation_secret, "841", "C1"))]
    assert rows(settings, "select file_name, table_name from raw._loads where feed = 'ssda903' order by batch_id") == [
        ("2024-25/Header_file_final.csv", "ssda903__header"), ("2024-25/eps.csv", "ssda903__episodes")]


def test_each_year_reads_with_its_own_code_lists(tmp_path, settings):
    """SEX was 1/2 in 2023-24 and M/F/U from 2024-25: each year's file is held to its own list."""
    landing = tmp_path / "landing"
    land(landing, "ssda903/2023-24/header.csv", HEADER_2324 + "C1,2,15/06/2010,WBRI,,,\n")
    land(landing, "ssda903/2024-25/header.csv", HEADER_2425 + "C1,F,15/06/2010,WBRI,,,\n")
    land(landing, "ssda903/2024-25/header_old_codes.csv", HEADER_2425 + "C2,2,15/06/2011,WBRI,,,\n")
    report = ingest(landing, settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [
        ("2023-24/header.csv", "loaded"), ("2024-25/header.csv", "loaded"),
        ("2024-25/header_old_codes.csv", "quarantined")]
    assert report.files[2].reason == ("2024-25/header_old_codes.csv: row 1, column sex: unknown code "
                                      "(not in the year's list): '2'")
    assert rows(settings, "select collection_year, sex from raw.ssda903__header order by 1") == [
        ("2023-24", "2"), ("2024-25", "F")]


@pytest.mark.parametrize("relative, text, reason", [
    ("ssda903/2024-25/mystery.csv", "CHILD,COLOUR\nC9,RED\n",
     "2024-25/mystery.csv: row 0 (header): unknown table header 'CHILD,COLOUR': the columns of no 2024-25 SSDA903 "
     "table (header, episodes, reviews, uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence, missing, "
     "sw_episodes)"),
    ("ssda903/2024-25/episodes_bad_code.csv", EPISODES + "C9,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                                         "C9,01/07/2024,L,Q9,N1,U1,PR1,,,,,,\n",
     "2024-25/episodes_bad_code.csv: row 2, column ls: unknown code (not in the year's list): 'Q9'"),
    ("ssda903/2024-25/episodes_bad_date.csv", EPISODES + "C9,31/02/2024,S,C2,N1,U1,PR1,,,,,,\n",
     "2024-25/episodes_bad_date.csv: row 1, column decom: unparseable date '31/02/2024'"),
    ("ssda903/episodes.csv", EPISODES + "C9,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n",
     "episodes.csv: an SSDA903 file must be in a collection-year folder, landing/ssda903/<year like 2024-25>/"),
    ("ssda903/2019-20/episodes.csv", EPISODES + "C9,01/05/2019,S,C2,N1,U1,PR1,,,,,,\n",
     "2019-20/episodes.csv: folder '2019-20': no SSDA903 specification for 2019-20: the years there are "
     "2023-24, 2024-25"),
], ids=["unknown-header", "unknown-code", "bad-date", "no-year-folder", "year-without-spec"])
def test_a_hostile_903_file_is_refused_with_its_reason_and_nothing_loaded_is_lost(loaded, settings, relative, text,
                                                                                   reason):
    before = snapshot(settings)
    path = land(loaded, relative, text)
    report = ingest(loaded, settings)
    [refused] = report.quarantined
    assert refused.reason == reason
    assert not path.exists()
    [kept] = list((settings.quarantine_dir / "ssda903").glob(f"*/{path.name}.reason.txt"))
    assert kept.read_text(encoding="utf-8") == reason + "\n"
    assert snapshot(settings) == before
    assert rows(settings, "select reason from raw._loads where outcome = 'quarantined'") == [(reason,)]


def test_a_corrected_year_file_is_what_the_raw_suites_read(loaded, settings):
    """A second episodes file for 2024-25 (the authority's correction) is the year's file: the raw suites read
    each year's newest file, as staging does, so the restated rows are no duplicate key (rendered from dbt's
    `current_rows` by expectations/current_rows.py)."""
    from expectations.current_rows import current_rows_sql

    land(loaded, "ssda903/2024-25/episodes_corrected.csv",
         EPISODES + "C1,10/01/2023,S,C2,N1,U1,PR1,01/06/2024,X1,,,,\n"
                    "C1,01/06/2024,P,C2,N1,U4,PR1,,,,,,\n")
    report = ingest(loaded, settings)
    assert [f.outcome for f in report.files if f.feed == "ssda903"].count("loaded") == 1
    assert rows(settings, "select count(*) from raw.ssda903__episodes") == [(4,)]  # both files kept in raw
    assert rows(settings, f"select child, decom, place from {current_rows_sql('ssda903__episodes')} "
                          "order by decom") == [("C1", date(2023, 1, 10), "U1"), ("C1", date(2024, 6, 1), "U4")]
    assert rows(settings, f"select count(*) from {current_rows_sql('ssda903__header')}") == [(1,)]
