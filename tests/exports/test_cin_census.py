"""CIN census XML on a small hand-made warehouse: who is in the year, what each module holds, element order,
ISO dates, the year files, and the outbox folder with its manifest.

The warehouse (one module-scoped DuckDB file) holds only the tables the census reads. Year 2024-25 runs
1 April 2024 .. 31 March 2025:
  P1  referred 2024-03-10 (before the year), still open                          -> in
  P2  referred 2023-05-01, closed 2024-03-31 (the day before the year)            -> out (in 2023-24)
  P3  referred 2024-06-03, closes 2025-04-30 (after the reference date): two S47s, an ICPC, a CP plan with two
      reviews in the year (and one after it), an earlier plan in 2022 on a referral closed in 2022 -> in
  P4  referred 2024-09-02: a transfer-in ICPC with no S47, an assessment authorised after 31 March -> in
  P5  referred on the reference date, no further action                           -> in
  P6  referred 2025-04-01 (the day after the reference date)                      -> out
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from lxml import etree

from exports.errors import ExportRefused
from exports.statutory.cin import available_years, load_year, write_cin_census
from tests.exports.conftest import as_hub

LA = "841"
STAMP = datetime(2025, 5, 20, 9, 30, 15)

DDL = """
create schema staging; create schema raw; create schema intermediate;
create table staging.stg_case_system__persons (child_key varchar, sex_code varchar, ethnicity_code varchar,
    birth_date date, expected_birth_date date, death_date date);
create table staging.stg_case_system__referrals (referral_id varchar, child_key varchar, referral_date date,
    primary_need_code varchar, referral_source_code varchar, is_nfa boolean, close_reason_code varchar, close_date date);
create table staging.stg_case_system__assessments (assessment_id varchar, child_key varchar, referral_id varchar,
    start_date date, authorised_date date, is_outcome_nfa boolean, is_child_seen boolean);
create table staging.stg_case_system__assessment_factors (assessment_factor_id varchar, assessment_id varchar,
    factor_codes_json varchar);
create table staging.stg_case_system__cin_plans (cin_plan_id varchar, child_key varchar, referral_id varchar,
    start_date date, end_date date);
create table staging.stg_case_system__s47_enquiries (s47_enquiry_id varchar, child_key varchar, referral_id varchar,
    start_date date, end_date date, is_nfa boolean);
create table staging.stg_case_system__initial_cp_conferences (icpc_id varchar, child_key varchar,
    s47_enquiry_id varchar, referral_id varchar, icpc_date date, is_transfer_in boolean, is_cp_plan_outcome boolean,
    cp_plan_id varchar);
create table staging.stg_case_system__cp_plans (cp_plan_id varchar, child_key varchar, referral_id varchar,
    icpc_id varchar, start_date date, end_date date, initial_category_code varchar, latest_category_code varchar);
create table staging.stg_case_system__cp_reviews (cp_review_id varchar, child_key varchar, cp_plan_id varchar,
    due_date date, review_date date);
create table staging.stg_case_system__disabilities (disability_id varchar, child_key varchar, disability_code varchar);
create table raw._child_keys (la_code varchar, person_id varchar, child_key varchar);
create table raw._loads (batch_id bigint, table_name varchar, outcome varchar, la_code varchar);
create table raw.case_system__ssd_person (pers_person_id varchar, pers_upn_unknown varchar, _batch_id bigint,
    _la_code varchar);
create table raw.case_system__ssd_linked_identifiers (link_table_id varchar, link_person_id varchar,
    link_identifier_type varchar, link_identifier_value varchar, link_valid_from_date date, link_valid_to_date date,
    _batch_id bigint, _la_code varchar);
-- weekdays are the working days here (the real int_calendar also takes out bank holidays)
create table intermediate.int_calendar as
select d::date as calendar_date, dayofweek(d) not in (0, 6) as is_working_day,
       sum(case when dayofweek(d) not in (0, 6) then 1 else 0 end) over (order by d) as working_day_number
from range(date '2021-01-01', date '2026-12-31', interval 1 day) as t(d);
"""

ROWS = {
    "raw._child_keys": [(LA, f"P{n}", f"key{n}") for n in range(1, 7)],
    "raw._loads": [(1, "case_system__ssd_person", "loaded", LA), (2, "case_system__ssd_person", "loaded", LA),
                   (2, "case_system__ssd_linked_identifiers", "loaded", LA)],
    # batch 1 is an older extract: only batch 2 is current
    "raw.case_system__ssd_person": [("P1", "UN9", 1, LA), ("P1", None, 2, LA), ("P3", " un2 ", 2, LA),
                                    ("P4", None, 2, LA)],
    "raw.case_system__ssd_linked_identifiers": [
        ("L1", "P1", "UPN", "A841000000001", date(2020, 9, 1), None, 2, LA),
        ("L2", "P3", "UPN", "B841000000002", date(2019, 9, 1), date(2024, 1, 31), 2, LA),  # ended before 31 March
        ("L3", "P3", "Former UPN", "C841000000003", date(2018, 9, 1), date(2019, 8, 31), 2, LA),
        ("L4", "P4", "CASE_NUMBER", "LEG1", date(2020, 1, 1), None, 2, LA),
    ],
    "staging.stg_case_system__persons": [
        ("key1", "M", "WBRI", date(2015, 6, 1), None, None),
        ("key2", "F", "WIRI", date(2012, 2, 2), None, None),
        ("key3", "F", "MWBC", date(2018, 3, 3), None, None),
        ("key4", "I", "AOTH", date(2010, 4, 4), None, None),
        ("key5", "U", "NOBT", None, date(2025, 6, 1), None),
        ("key6", "M", "WBRI", date(2016, 6, 6), None, None),
    ],
    "staging.stg_case_system__disabilities": [("D1", "key1", "HAND"), ("D2", "key1", "AUT"), ("D3", "key1", "AUT")],
    "staging.stg_case_system__referrals": [
        ("R0", "key3", date(2021, 11, 1), "N1", "1A", False, "RC1", date(2022, 12, 5)),
        ("R1", "key1", date(2024, 3, 10), "N2", "5A", False, None, None),
        ("R2", "key2", date(2023, 5, 1), "N3", "3A", False, "RC8", date(2024, 3, 31)),
        ("R3", "key3", date(2024, 6, 3), "N1", "2B", False, "RC2", date(2025, 4, 30)),
        ("R4", "key4", date(2024, 9, 2), "N4", "1B", False, None, None),
        ("R5", "key5", date(2025, 3, 31), None, "9", True, None, None),
        ("R6", "key6", date(2025, 4, 1), "N1", "1A", False, None, None),
    ],
    "staging.stg_case_system__assessments": [
        ("A1", "key1", "R1", date(2024, 3, 12), date(2024, 4, 20), False, True),
        ("A2", "key4", "R4", date(2025, 3, 20), date(2025, 4, 15), False, True),
    ],
    "staging.stg_case_system__assessment_factors": [
        ("F1", "A1", '["1a", "2B"]'), ("F2", "A2", '["3A"]'),
    ],
    "staging.stg_case_system__cin_plans": [("CIN1", "key1", "R1", date(2024, 5, 1), date(2025, 5, 10))],
    "staging.stg_case_system__s47_enquiries": [
        ("S1", "key3", "R3", date(2024, 6, 3), date(2024, 6, 20), False),
        ("S2", "key3", "R3", date(2024, 4, 15), date(2024, 5, 1), True),
    ],
    "staging.stg_case_system__initial_cp_conferences": [
        ("IC1", "key3", "S1", "R3", date(2024, 6, 20), False, True, "CP1"),
        ("IC2", "key4", None, "R4", date(2024, 10, 7), True, False, None),
    ],
    "staging.stg_case_system__cp_plans": [
        ("CP0", "key3", "R0", None, date(2022, 1, 10), date(2022, 12, 1), "PHY", "PHY"),
        ("CP1", "key3", "R3", "IC1", date(2024, 6, 20), None, "NEG", "EMO"),
    ],
    "staging.stg_case_system__cp_reviews": [
        ("CR1", "key3", "CP1", date(2024, 9, 12), date(2024, 9, 12)),
        ("CR2", "key3", "CP1", date(2025, 1, 9), date(2025, 1, 9)),
        ("CR3", "key3", "CP1", date(2025, 4, 10), date(2025, 4, 10)),
        ("CR0", "key3", "CP0", date(2022, 4, 1), date(2022, 4, 1)),
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cin") / "csw.duckdb"
    con = duckdb.connect(str(path))
    con.execute(DDL)
    for table, rows in ROWS.items():
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"insert into {table} values ({marks})", rows)
    as_hub(con, LA)  # every row again as 840's, same ids: the census of LA reads none of them
    con.close()
    return path


@pytest.fixture(scope="module")
def census(warehouse, tmp_path_factory):
    """The 2024-25 census written once; (files, parsed root)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = write_cin_census(con, year="2024-25", out_dir=tmp_path_factory.mktemp("out"), la_code=LA,
                                 generated_at=STAMP)
    finally:
        con.close()
    return files, etree.parse(str(files.xml)).getroot()


def _child(root, la_child_id: str):
    (child,) = root.xpath("Children/Child[ChildIdentifiers/LAchildID=$id]", id=la_child_id)
    return child


def _tags(element) -> list[str]:
    return [c.tag for c in element]


def test_children_in_need_during_the_year_are_in_and_the_others_out(census):
    _, root = census
    assert root.xpath("Children/Child/ChildIdentifiers/LAchildID/text()") == ["P1", "P3", "P4", "P5"]
    # only the referrals open in the year: P3's 2021 referral (closed 2022) stays out
    assert _child(root, "P3").xpath("CINdetails/CINreferralDate/text()") == ["2024-06-03"]


def test_header(census):
    _, root = census
    header = root.find("Header")
    assert [e.text for e in header.find("CollectionDetails")] == ["CIN", "2025", "2025-03-31"]
    source = {e.tag: e.text for e in header.find("Source")}
    assert source["SourceLevel"] == "L" and source["LEA"] == "841" and source["SerialNo"] == "001"
    assert source["DateTime"] == "2025-05-20T09:30:15"
    assert source["Release"].startswith("csw ")
    assert _tags(header.find("Source")) == ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"]


def test_elements_follow_the_years_order_everywhere(census):
    _, root = census
    order = load_year("2024-25").order
    lists = load_year("2024-25").lists
    checked = 0
    for element in root.iter():
        if element.tag in lists:
            assert set(_tags(element)) == {lists[element.tag]}
            continue
        if element.tag not in order:
            assert len(element) == 0, element.tag  # a leaf
            continue
        positions = [order[element.tag].index(tag) for tag in _tags(element)]
        assert positions == sorted(positions), (element.tag, _tags(element))
        checked += 1
    assert checked > 20


def test_identifiers_and_characteristics(census):
    _, root = census
    p1 = _child(root, "P1")
    assert _tags(p1) == ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]
    assert [(e.tag, e.text) for e in p1.find("ChildIdentifiers")] == [
        ("LAchildID", "P1"), ("UPN", "A841000000001"), ("PersonBirthDate", "2015-06-01"), ("Sex", "M")]
    assert p1.xpath("ChildCharacteristics/Ethnicity/text()") == ["WBRI"]
    assert p1.xpath("ChildCharacteristics/Disabilities/Disability/text()") == ["AUT", "HAND"]
    # P3: the UPN ended before the reference date; a former UPN; the reason trimmed and upper-cased
    p3 = {e.tag: e.text for e in _child(root, "P3").find("ChildIdentifiers")}
    assert "UPN" not in p3 and p3["FormerUPN"] == "C841000000003" and p3["UPNunknown"] == "UN2"
    assert _child(root, "P4").xpath("ChildIdentifiers/Sex/text()") == ["U"]  # indeterminate has no code of its own
    p5 = {e.tag: e.text for e in _child(root, "P5").find("ChildIdentifiers")}
    assert "PersonBirthDate" not in p5 and p5["ExpectedPersonBirthDate"] == "2025-06-01" and p5["Sex"] == "U"
    assert _child(root, "P5").find("ChildCharacteristics/Disabilities") is None  # no SSD row: nothing invented


def test_referral_open_before_the_year_with_assessment_and_plan(census):
    _, root = census
    (details,) = _child(root, "P1").findall("CINdetails")
    assert [(e.tag, e.text) for e in details if len(e) == 0] == [
        ("CINreferralDate", "2024-03-10"), ("ReferralSource", "5A"), ("PrimaryNeedCode", "N2"),
        ("ReferralNFA", "false")]
    assert _tags(details.find("Assessments")) == [
        "AssessmentActualStartDate", "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"]
    assert details.xpath("Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors/text()") == ["1A", "2B"]
    # the plan ends after the reference date: the census does not know that end yet
    assert [(e.tag, e.text) for e in details.find("CINPlanDates")] == [("CINPlanStartDate", "2024-05-01")]


def test_section47_icpc_and_cp_plan_with_two_reviews(census):
    _, root = census
    (details,) = _child(root, "P3").findall("CINdetails")
    # closes after the reference date: still open in this census; its ICPC is on the S47, not on CINdetails
    assert _tags(details) == ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "ReferralNFA",
                              "Section47", "Section47", "ChildProtectionPlans"]
    s2, s1 = ([(e.tag, e.text) for e in s47] for s47 in details.findall("Section47"))
    # S2 ended 2024-05-01 with no conference: ICPC not required; its target is 15 working days from Mon 15 April
    assert s2 == [("S47ActualStartDate", "2024-04-15"), ("InitialCPCtarget", "2024-05-06"),
                  ("ICPCnotRequired", "true")]
    # S1 started Monday 3 June 2024: 15 working days later is Monday 24 June
    assert s1 == [("S47ActualStartDate", "2024-06-03"), ("InitialCPCtarget", "2024-06-24"),
                  ("DateOfInitialCPC", "2024-06-20"), ("ICPCnotRequired", "false")]
    plan = details.find("ChildProtectionPlans")
    assert [(e.tag, e.text) for e in plan if len(e) == 0] == [
        ("CPPstartDate", "2024-06-20"), ("InitialCategoryOfAbuse", "NEG"), ("LatestCategoryOfAbuse", "EMO"),
        ("NumberOfPreviousCPP", "1")]
    assert plan.xpath("Reviews/CPPreviewDate/text()") == ["2024-09-12", "2025-01-09"]  # not 2025-04-10
    assert len(plan.findall("Reviews")) == 1


def test_icpc_without_s47_sits_on_cin_details_and_unfinished_assessment_has_no_factors(census):
    _, root = census
    (details,) = _child(root, "P4").findall("CINdetails")
    assert details.findtext("DateOfInitialCPC") == "2024-10-07"
    assert [(e.tag, e.text) for e in details.find("Assessments")] == [("AssessmentActualStartDate", "2025-03-20")]
    (p5,) = _child(root, "P5").findall("CINdetails")
    assert p5.findtext("ReferralNFA") == "true" and p5.find("PrimaryNeedCode") is None


def test_every_date_is_iso(census):
    _, root = census
    dated = [e for e in root.iter() if "Date" in e.tag and e.tag != "DateTime" or e.tag == "InitialCPCtarget"]
    dated = [e for e in dated if len(e) == 0]
    assert len(dated) >= 20
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.text) for e in dated)
    assert all(date.fromisoformat(e.text) <= date(2025, 6, 1) for e in dated)


def test_manifest_and_file(census):
    files, _ = census
    assert files.xml.name == "cin_census_841_2024-25.xml" and files.folder.parts[-3:] == ("cin", "841", "2024-25")
    text = files.xml.read_bytes()
    assert text.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"key1" not in text  # the pseudonymous key stays in the warehouse; the file carries the LA's id
    manifest = json.loads(files.manifest.read_text())
    (entry,) = manifest["files"]
    assert entry["sha256"] == hashlib.sha256(text).hexdigest()
    assert entry["counts"] == {"children": 4, "cin_details": 4, "assessments": 2, "cin_plans": 1, "section47": 2,
                               "cp_plans": 1, "cp_reviews": 2}
    assert manifest["collection_year"] == "2024-25" and manifest["reference_date"] == "2025-03-31"
    assert manifest["generated_at"] == "2025-05-20T09:30:15Z" and manifest["validator_ruleset"] == "cin2024_25"
    assert sorted(p.name for p in files.folder.parent.iterdir()) == ["2024-25"]  # no temporary folder left


def test_2023_24_returns_gender_current_in_place_of_sex(warehouse, tmp_path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = write_cin_census(con, year="2023-24", out_dir=tmp_path, la_code=LA, generated_at=STAMP)
    finally:
        con.close()
    root = etree.parse(str(files.xml)).getroot()
    assert root.xpath("Header/CollectionDetails/*/text()") == ["CIN", "2024", "2024-03-31"]
    # P2's referral closed on 31 March 2024, the last day of 2023-24; P1 was referred in March 2024
    assert root.xpath("Children/Child/ChildIdentifiers/LAchildID/text()") == ["P1", "P2"]
    assert _tags(_child(root, "P2").find("ChildIdentifiers")) == [
        "LAchildID", "PersonBirthDate", "GenderCurrent"]
    assert root.xpath("//GenderCurrent/text()") == ["1", "2"] and not root.xpath("//Sex")
    p2 = _child(root, "P2").find("CINdetails")
    assert (p2.findtext("CINclosureDate"), p2.findtext("ReasonForClosure")) == ("2024-03-31", "RC8")
    # P1's assessment was authorised after 31 March 2024: no authorisation date, no factors
    assert [(e.tag, e.text) for e in _child(root, "P1").find("CINdetails/Assessments")] == [
        ("AssessmentActualStartDate", "2024-03-12")]


def test_rerun_replaces_the_folder(warehouse, tmp_path):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        first = write_cin_census(con, year="2024-25", out_dir=tmp_path, la_code=LA, generated_at=STAMP)
        (first.folder / "stray.txt").write_text("left by hand")
        second = write_cin_census(con, year="2024-25", out_dir=tmp_path, la_code=LA, serial_no=2,
                                  generated_at=STAMP)
    finally:
        con.close()
    assert sorted(p.name for p in second.folder.iterdir()) == ["cin_census_841_2024-25.xml", "manifest.json"]
    assert etree.parse(str(second.xml)).findtext("Header/Source/SerialNo") == "002"


@pytest.mark.parametrize("kwargs, reason", [
    ({"year": "2022-23"}, "no CIN census specification for year '2022-23': have 2023-24, 2024-25"),
    ({"year": "../2024-25"}, "no CIN census specification for year '../2024-25'"),
    ({"la_code": "E06000005"}, "la_code 'E06000005' is not a three-digit DfE LA number"),
    ({"year": "2024-25", "serial_no": 1000}, "serial number 1000 must be 1 to 999"),
    # 840's rows (as_hub's copy) are its own children, whose case-system ids were never keyed
    ({"la_code": "840"}, "4 child(ren) in need have no case-system id in raw._child_keys for LA 840"),
])
def test_refusals_write_nothing(warehouse, tmp_path, kwargs, reason):
    con = duckdb.connect(str(warehouse), read_only=True)
    args = {"year": "2024-25", "out_dir": tmp_path, "la_code": LA, **kwargs}
    try:
        with pytest.raises(ExportRefused) as refused:
            write_cin_census(con, **args)
    finally:
        con.close()
    assert refused.value.reason.startswith(reason)
    assert list(tmp_path.iterdir()) == []


def test_a_year_with_no_child_in_need_is_refused(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        con.execute(DDL)
        as_hub(con, LA)
        with pytest.raises(ExportRefused, match=r"^no child in need between 2024-04-01 and 2025-03-31"):
            write_cin_census(con, year="2024-25", out_dir=tmp_path / "out", la_code=LA)
        con.execute("drop table staging.stg_case_system__cp_reviews")
        with pytest.raises(ExportRefused, match=r"stg_case_system__cp_reviews is not built: run `csw build` first"):
            write_cin_census(con, year="2024-25", out_dir=tmp_path / "out", la_code=LA)
    finally:
        con.close()
    assert not (tmp_path / "out").exists()


def test_year_files():
    assert available_years() == ["2023-24", "2024-25"]
    y24, y25 = load_year("2023-24"), load_year("2024-25")
    assert (y25.period_start, y25.reference_date, y25.header_year) == (date(2024, 4, 1), date(2025, 3, 31), "2025")
    assert (y24.period_start, y24.reference_date, y24.header_year) == (date(2023, 4, 1), date(2024, 3, 31), "2024")
    assert (y24.sex_element, y24.sex_codes) == ("GenderCurrent", {"M": "1", "F": "2", "U": "0", "I": "9"})
    # the years differ in the sex element only (and the dates)
    assert {g: [("Sex" if e == "GenderCurrent" else e) for e in c] for g, c in y24.order.items()} == \
        {g: list(c) for g, c in y25.order.items()}
