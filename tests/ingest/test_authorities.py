"""A landing folder of several authorities (a regional hub, docs/regional-hub.md): `<landing>/<la_code>/<feed>/…`.

Every raw row carries the authority its folder names (`_la_code`), every `raw._loads` row too (`la_code`); each
authority's ids are keyed with its own secret (hand-computed HMACs below); the same bytes from two authorities
load twice, a replacing file replaces only its authority's rows; the statutory sources (SSDA903, CIN census,
Annex A) load from an authority folder like any feed; a folder named like an authority the reference data does not
know is quarantined unread with a one-line reason; a bad file's reason names its authority; an authority without
a secret of its own stops the load before any file moves. The single-authority layout is unchanged, and an older
warehouse's rows get CSW_LA_CODE."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest

from csw.cli import main
from csw.pipeline import rekey_child_keys
from foundation.settings import SecretRefused, get_settings
from foundation.warehouse import connect
from ingest.contracts import all_tables
from ingest.core.runs import files_for_day
from tests.conftest import TEST_PSEUDONYMISATION_SECRET
from tests.ingest.test_annex_a_workbook import authority_workbook, save
from tests.ingest.test_cin_census_ingest import CHILD_2, census
from tests.ingest.test_load import ingest
from tests.ingest.test_ssda903_feed import HEADER_2425, land
from tests.ingest.test_ssda903_feed import rows as query

SECRET_840 = "county-durham-own-secret-0123456789-abcdefghij"
PERSON_HEADER = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\n"
LA_LIST = ("la_code,la_gss_code,la_name,region,stat_neighbours\n"
           "841,E06000005,Darlington,North East,840\n840,E06000047,County Durham,North East,841\n")


def hmac_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def hub_settings(settings, monkeypatch):
    """CSW_LA_CODE 841 with the test secret; 840 with its own."""
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", SECRET_840)
    return get_settings()


@pytest.fixture
def hub(tmp_path, hub_settings):
    """Two authorities, both with a person P1 and the same local_authorities.csv bytes; 840 also sends its 903
    header, a CIN census and an Annex A workbook. Loaded once."""
    landing = tmp_path / "landing"
    for la in ("841", "840"):
        land(landing, f"{la}/reference/local_authorities.csv", LA_LIST)
    land(landing, "841/case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\nP2,F,2012-07-19,WBRI\n")
    land(landing, "840/case_system/ssd_person.csv", PERSON_HEADER + "P1,F,2011-01-02,WBRI\n")
    land(landing, "840/ssda903/2024-25/header.csv", HEADER_2425 + "C1,F,15/06/2010,WBRI,,,\n")
    land(landing, "840/cin_census/cin_2024-25.xml", census(CHILD_2, lea="840"))
    save(authority_workbook(la_code=840), landing / "840", "annex_a.xlsx")  # its cover's code, a number cell
    report = ingest(landing, hub_settings)
    assert [f.outcome for f in report.files] == ["loaded"] * 7, [f.line() for f in report.files]
    return landing, report


def test_every_raw_row_carries_its_authority_and_each_authority_has_its_own_keys(hub, hub_settings):
    landing, report = hub
    assert sorted((f.authority, f.feed) for f in report.files) == [
        ("840", "annex_a"), ("840", "case_system"), ("840", "cin_census"), ("840", "reference"), ("840", "ssda903"),
        ("841", "case_system"), ("841", "reference")]
    by_authority: dict[str, int] = {}
    for table in all_tables():
        for la, count in query(hub_settings, f"select _la_code, count(*) from raw.{table.raw_table} group by 1"):
            assert la in ("841", "840"), (table.raw_table, la)  # never null, never another code
            by_authority[la] = by_authority.get(la, 0) + count
    assert by_authority["841"] == 2 + 2  # two persons, two authorities listed
    assert query(hub_settings, "select _la_code, pers_person_id from raw.case_system__ssd_person "
                               "order by 1, 2") == [("840", "P1"), ("841", "P1"), ("841", "P2")]
    # the same list, byte for byte, from each authority: loaded for both
    assert query(hub_settings, "select _la_code, count(*) from raw.reference__local_authorities group by 1 "
                               "order by 1") == [("840", 2), ("841", 2)]
    assert query(hub_settings, "select distinct _la_code from raw.ssda903__header") == [("840",)]
    assert query(hub_settings, "select distinct _la_code from raw.cin_census__children") == [("840",)]
    assert query(hub_settings, "select distinct _la_code from raw.annex_a__list_01_contacts") == [("840",)]
    assert query(hub_settings, "select la_code, count(*) from raw._loads where table_name = 'ssda903__header' "
                               "or feed = 'case_system' group by 1 order by 1") == [("840", 2), ("841", 1)]
    keys = dict(((la, pid), key) for la, pid, key in query(hub_settings, "select * from raw._child_keys"))
    assert keys[("841", "P1")] == hmac_hex(TEST_PSEUDONYMISATION_SECRET, "841:P1")
    assert keys[("840", "P1")] == hmac_hex(SECRET_840, "840:P1")
    assert keys[("840", "C1")] == hmac_hex(SECRET_840, "840:C1")  # the 903's CHILD
    assert keys[("840", "C2")] == hmac_hex(SECRET_840, "840:C2")  # the census's LAchildID
    assert keys[("841", "P1")] != keys[("840", "P1")]
    assert {la for la, _ in keys} == {"841", "840"} and ("841", "C1") not in keys

    again = ingest(landing, hub_settings)  # idempotent: every file a duplicate of its own authority's
    assert [(f.authority, f.outcome) for f in again.files] == [(f.authority, "duplicate") for f in report.files]
    assert query(hub_settings, "select count(*) from raw.case_system__ssd_person") == [(3,)]


def test_a_replacing_file_replaces_only_its_authoritys_rows_and_rekey_uses_each_secret(
        hub, hub_settings, monkeypatch):
    landing, _ = hub
    land(landing, "840/reference/local_authorities.csv", LA_LIST + "805,E06000001,Hartlepool,North East,\n")
    [outcome] = [f for f in ingest(landing, hub_settings).files if f.outcome == "loaded"]
    assert (outcome.authority, outcome.rows) == ("840", 3)
    assert query(hub_settings, "select _la_code, count(*) from raw.reference__local_authorities group by 1 "
                               "order by 1") == [("840", 3), ("841", 2)]

    rotated = "county-durham-rotated-secret-9876543210-zyxwvut"
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", rotated)
    assert rekey_child_keys(settings=get_settings()) == len(query(hub_settings, "select * from raw._child_keys"))
    keys = dict(((la, pid), key) for la, pid, key in query(hub_settings, "select * from raw._child_keys"))
    assert keys[("840", "P1")] == hmac_hex(rotated, "840:P1")
    assert keys[("841", "P1")] == hmac_hex(TEST_PSEUDONYMISATION_SECRET, "841:P1")


def test_an_unknown_authority_folder_is_quarantined_unread_and_a_bad_file_names_its_authority(tmp_path, hub_settings):
    landing = tmp_path / "landing"
    land(landing, "841/reference/local_authorities.csv", LA_LIST)
    land(landing, "841/case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\n")
    land(landing, "999/case_system/ssd_person.csv", PERSON_HEADER + "P9,M,2015-03-01,WBRI\n")
    land(landing, "840/case_system/ssd_person.csv", "pers_person_id,pers_sex\nP1,F\n")  # no pers_dob
    report = ingest(landing, hub_settings)
    by_name = {(f.authority, f.file_name): f for f in report.files}
    refused = by_name[("", "999/")]
    assert refused.outcome == "quarantined"
    assert refused.reason == ("999/: not an authority the reference data knows (CSW_LA_CODE, raw.local_authorities, "
                              "a landed reference/local_authorities.csv): not loaded")
    [folder] = (hub_settings.quarantine_dir / "authority_folders").glob("*/999")
    assert (folder / "case_system" / "ssd_person.csv").is_file() and not (landing / "999").exists()
    assert folder.with_name("999.reason.txt").read_text() == refused.reason + "\n"

    bad = by_name[("840", "ssd_person.csv")]
    assert bad.outcome == "quarantined"
    assert bad.reason.startswith("authority 840: ssd_person.csv: ") and "pers_dob" in bad.reason
    assert "\n" not in bad.reason
    [moved] = (hub_settings.quarantine_dir / "840" / "case_system").glob("*/ssd_person.csv")
    assert moved.with_name("ssd_person.csv.reason.txt").read_text() == bad.reason + "\n"

    assert by_name[("841", "ssd_person.csv")].outcome == "loaded"
    assert query(hub_settings, "select _la_code, pers_person_id from raw.case_system__ssd_person") == [("841", "P1")]
    assert sorted(query(hub_settings, "select la_code, file_name, outcome from raw._loads "
                                      "where outcome = 'quarantined'")) == [
        ("840", "ssd_person.csv", "quarantined"), ("999", "999/", "quarantined")]
    assert query(hub_settings, "select count(*) from raw._child_keys where la_code <> '841'") == [(0,)]


def test_a_statutory_file_naming_another_authority_is_quarantined_with_both_codes(tmp_path, hub_settings):
    """A CIN census whose <LEA> or an Annex A workbook whose cover's code is not the folder's: refused in one line
    (file, folder, code) and quarantined; the folder's other files load."""
    landing = tmp_path / "landing"
    for la in ("841", "840"):
        land(landing, f"{la}/reference/local_authorities.csv", LA_LIST)
    land(landing, "840/cin_census/cin_2024-25.xml", census(CHILD_2, lea="841"))  # Darlington's census in Durham's
    save(authority_workbook(la_code="841"), landing / "840", "annex_a.xlsx")
    report = ingest(landing, hub_settings)
    by_name = {(f.authority, f.file_name): f for f in report.files}
    assert by_name[("840", "local_authorities.csv")].outcome == "loaded"
    census_file, workbook = by_name[("840", "cin_2024-25.xml")], by_name[("840", "annex_a.xlsx")]
    assert (census_file.outcome, workbook.outcome) == ("quarantined", "quarantined")
    assert census_file.reason == (
        "authority 840: cin_2024-25.xml: its <Header><Source><LEA> is authority 841, but the file arrived in the "
        "folder of authority 840: another authority's file is not loaded (land it in 841/)")
    assert workbook.reason == (
        "authority 840: annex_a.xlsx: the cell 'LA code:' of sheet 'Cover' is authority 841, but the file arrived "
        "in the folder of authority 840: another authority's file is not loaded (land it in 841/)")
    [moved] = (hub_settings.quarantine_dir / "840" / "cin_census").glob("*/cin_2024-25.xml")
    assert moved.with_name("cin_2024-25.xml.reason.txt").read_text() == census_file.reason + "\n"
    assert query(hub_settings, "select count(*) from raw._child_keys") == [(0,)]


def test_an_authority_without_its_own_secret_stops_the_load_before_any_file_moves(tmp_path, settings, monkeypatch,
                                                                                    capsys):
    landing = tmp_path / "landing"
    land(landing, "841/reference/local_authorities.csv", LA_LIST)
    land(landing, "840/case_system/ssd_person.csv", PERSON_HEADER + "P1,F,2011-01-02,WBRI\n")
    land(landing, "841/case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\n")
    with pytest.raises(SecretRefused, match=r"^no pseudonymisation secret for authority 840: set "
                                            r"CSW_PSEUDONYMISATION_SECRET_840 \(or CSW_PSEUDONYMISATION_SECRET_FILE_840\)"):
        ingest(landing, settings)
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", TEST_PSEUDONYMISATION_SECRET)  # 841's: refused too
    assert main(["ingest", "--landing", str(landing)]) == 1
    err = capsys.readouterr().err
    assert err == ("csw: authority 840's pseudonymisation secret (environment variable CSW_PSEUDONYMISATION_SECRET_840) "
                   "is also authority 841's: each authority needs its own; make one with: python -c \"import secrets; "
                   "print(secrets.token_urlsafe(48))\"\n")
    assert sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*.csv")) == [
        "840/case_system/ssd_person.csv", "841/case_system/ssd_person.csv", "841/reference/local_authorities.csv"]
    assert query(settings, "select count(*) from raw._loads") == [(0,)]


def test_the_single_authority_layout_is_unchanged_and_an_older_warehouse_gets_csw_la_code(tmp_path, settings):
    landing = tmp_path / "landing"
    land(landing, "case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\n")
    land(landing, "case_system/ssd_cin_episodes.csv", "cine_referral_id\nR1\n")  # refused: no authority in it
    report = ingest(landing, settings)
    assert [(f.authority, f.outcome) for f in report.files] == [("", "quarantined"), ("", "loaded")]
    assert report.files[0].reason.startswith("ssd_cin_episodes.csv: ")
    assert report.files[1].line() == "loaded      case_system/ssd_person.csv: 1 rows"
    assert len(list((settings.quarantine_dir / "case_system").glob("*/ssd_cin_episodes.csv"))) == 1
    assert query(settings, "select _la_code from raw.case_system__ssd_person") == [("841",)]

    con = connect(settings)  # a warehouse loaded before authority folders: no authority columns
    try:
        con.execute("alter table raw.case_system__ssd_person drop column _la_code")
        con.execute("alter table raw._loads drop column la_code")
    finally:
        con.close()
    land(landing, "case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\nP2,F,2012-07-19,WBRI\n")
    land(landing, "reference/local_authorities.csv", LA_LIST)
    again = ingest(landing, settings)
    assert sorted((f.feed, f.outcome) for f in again.files) == [("case_system", "loaded"), ("reference", "loaded")]
    assert query(settings, "select _la_code, _batch_id, pers_person_id from raw.case_system__ssd_person "
                           "order by 2, 3") == [("841", 1, "P1"), ("841", 2, "P1"), ("841", 2, "P2")]
    assert query(settings, "select distinct la_code from raw._loads") == [("841",)]


def test_a_per_feed_run_sees_each_authoritys_files_of_the_day(tmp_path):
    landing = tmp_path / "landing"
    for relative in ("health/health_assessments_20250331.csv", "840/health/health_assessments_20250331.csv",
                     "841/health/health_assessments_20250330.csv", "840/case_system/ssd_person.csv"):
        land(landing, relative, "x\n")
    assert [p.relative_to(landing).as_posix() for p in files_for_day(landing, "health", date(2025, 3, 31))] == [
        "health/health_assessments_20250331.csv", "840/health/health_assessments_20250331.csv"]


def test_a_hub_of_authority_folders_needs_only_each_authoritys_own_secret(tmp_path, settings, monkeypatch, capsys):
    landing = tmp_path / "landing"
    land(landing, "841/reference/local_authorities.csv", LA_LIST)
    land(landing, "840/case_system/ssd_person.csv", PERSON_HEADER + "P1,F,2011-01-02,WBRI\n")
    monkeypatch.delenv("CSW_PSEUDONYMISATION_SECRET")  # the hub has no authority of its own
    darlington = "darlington-own-secret-0123456789-abcdefghijklm"
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_841", darlington)
    monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_840", SECRET_840)
    assert main(["ingest", "--landing", str(landing)]) == 0, capsys.readouterr().err
    assert "files loaded: 2 (3 rows)" in capsys.readouterr().out
    assert query(settings, "select * from raw._child_keys") == [("840", "P1", hmac_hex(SECRET_840, "840:P1"))]
    land(landing, "case_system/ssd_person.csv", PERSON_HEADER + "P1,M,2015-03-01,WBRI\n")  # CSW_LA_CODE's, flat
    assert main(["ingest", "--landing", str(landing)]) == 0, capsys.readouterr().err
    assert query(settings, "select * from raw._child_keys where la_code = '841'") == [
        ("841", "P1", hmac_hex(darlington, "841:P1"))]
