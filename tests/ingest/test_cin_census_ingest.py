"""The CIN census XML as a case-system source (issue 15): a hand-written census lands in the nine raw tables with
its collection year and source file, LAchildID keyed like an SSD person id; hostile and careless files (billion
laughs, external entity, DOCTYPE, truncated, unknown code, non-ISO date, misplaced element, unknown year,
a child twice) are each quarantined with a one-line reason and nothing already loaded is lost."""

from __future__ import annotations

from datetime import date

import pytest

from foundation.warehouse import connect
from ingest.core.pseudonymise import child_key
from tests.conftest import TEST_PSEUDONYMISATION_SECRET
from tests.ingest.test_bad_files import assert_quarantined, ingest, snapshot, write

TABLES = ("children", "disabilities", "referrals", "assessments", "assessment_factors", "cin_plans", "section47",
          "cp_plans", "cp_reviews")

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA><SoftwareCode>Local Authority</SoftwareCode><Release>x</Release><SerialNo>001</SerialNo><DateTime>2025-05-20T09:30:15</DateTime></Source>
  </Header>
  <Children>
"""

# C1: two referrals, the second with an assessment (two factors), a CIN plan, an S47 and a CP plan with two
# reviews; two disabilities. C2: one referral with nothing under it, no birth date, a UPN-unknown reason.
CHILD_1 = """    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID><UPN>A841000000001</UPN><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>AUT</Disability><Disability>HAND</Disability></Disabilities></ChildCharacteristics>
      <CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><CINclosureDate>2024-04-30</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure><ReferralNFA>false</ReferralNFA></CINdetails>
      <CINdetails>
        <CINreferralDate>2024-06-03</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N2</PrimaryNeedCode><ReferralNFA>0</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2024-06-04</AssessmentActualStartDate><AssessmentAuthorisationDate>2024-07-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2B</AssessmentFactors><AssessmentFactors>21</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <CINPlanDates><CINPlanStartDate>2024-07-11</CINPlanStartDate></CINPlanDates>
        <Section47><S47ActualStartDate>2024-06-05</S47ActualStartDate><InitialCPCtarget>2024-06-26</InitialCPCtarget><DateOfInitialCPC>2024-06-20</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
        <ChildProtectionPlans><CPPstartDate>2024-06-20</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2024-09-12</CPPreviewDate><CPPreviewDate>2025-01-09</CPPreviewDate></Reviews></ChildProtectionPlans>
      </CINdetails>
    </Child>
"""
CHILD_2 = """    <Child>
      <ChildIdentifiers><LAchildID>C2</LAchildID><UPNunknown>UN2</UPNunknown><ExpectedPersonBirthDate>2025-06-01</ExpectedPersonBirthDate><Sex>U</Sex></ChildIdentifiers>
      <CINdetails><CINreferralDate>2025-03-31</CINreferralDate><ReferralSource>9</ReferralSource><ReferralNFA>true</ReferralNFA></CINdetails>
    </Child>
"""
FOOTER = "  </Children>\n</Message>\n"


def census(*children: str, year: str = "2025", reference: str = "2025-03-31", doctype: str = "",
           lea: str = "841") -> str:
    return HEADER.format(year=year, reference=reference, doctype=doctype, lea=lea) + "".join(children) + FOOTER


def rows(settings, table: str, columns: str) -> list[tuple]:
    con = connect(settings, read_only=True)
    try:
        return con.execute(f"select {columns} from raw.cin_census__{table} order by _batch_id, _row_number").fetchall()
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path, settings):
    """The hand-written 2024-25 census, loaded."""
    landing = tmp_path / "landing"
    write(landing, "cin_census", "cin_2024-25.xml", census(CHILD_1, CHILD_2))
    report = ingest(landing, settings)
    assert [(f.outcome, f.rows) for f in report.files] == [("loaded", 2 + 2 + 3 + 1 + 2 + 1 + 1 + 1 + 2)]
    return landing, snapshot(settings)


def test_a_census_fills_every_table_with_its_year_and_file(loaded, settings):
    assert rows(settings, "children", "collection_year, person_id, upn, upn_unknown, birth_date, "
                "expected_birth_date, sex, sex_code, ethnicity, _source_file") == [
        ("2024-25", "C1", "A841000000001", None, date(2015, 6, 1), None, "F", "F", "WBRI", "cin_2024-25.xml"),
        ("2024-25", "C2", None, "UN2", None, date(2025, 6, 1), "U", "U", None, "cin_2024-25.xml")]
    assert rows(settings, "disabilities", "person_id, disability_index, disability_code") == [
        ("C1", 1, "AUT"), ("C1", 2, "HAND")]
    # xs:boolean's 0 is read as the year's word
    assert rows(settings, "referrals", "person_id, referral_index, referral_date, referral_source, primary_need_code, "
                "closure_date, reason_for_closure, referral_nfa") == [
        ("C1", 1, date(2023, 5, 1), "1A", "N1", date(2024, 4, 30), "RC8", "false"),
        ("C1", 2, date(2024, 6, 3), "5A", "N2", None, None, "false"),
        ("C2", 1, date(2025, 3, 31), "9", None, None, None, "true")]
    assert rows(settings, "assessments", "person_id, referral_index, assessment_index, start_date, "
                "authorisation_date") == [("C1", 2, 1, date(2024, 6, 4), date(2024, 7, 10))]
    assert rows(settings, "assessment_factors", "referral_index, assessment_index, factor_index, factor_code") == [
        (2, 1, 1, "2B"), (2, 1, 2, "21")]
    assert rows(settings, "cin_plans", "person_id, referral_index, start_date, end_date") == [
        ("C1", 2, date(2024, 7, 11), None)]
    assert rows(settings, "section47", "referral_index, start_date, icpc_target_date, icpc_date, icpc_not_required") == [
        (2, date(2024, 6, 5), date(2024, 6, 26), date(2024, 6, 20), "false")]
    assert rows(settings, "cp_plans", "referral_index, cp_plan_index, start_date, end_date, initial_category, "
                "latest_category, previous_cp_plans") == [(2, 1, date(2024, 6, 20), None, "NEG", "EMO", 1)]
    assert rows(settings, "cp_reviews", "cp_plan_index, review_index, review_date") == [
        (1, 1, date(2024, 9, 12)), (1, 2, date(2025, 1, 9))]
    # one file, one batch in each table, one audit row per table
    con = connect(settings, read_only=True)
    try:
        audit = con.execute("select table_name, row_count, batch_id from raw._loads where outcome = 'loaded' "
                            "order by table_name").fetchall()
        keys = con.execute("select person_id, child_key from raw._child_keys order by person_id").fetchall()
    finally:
        con.close()
    assert audit == sorted((f"cin_census__{t}", n, 1) for t, n in zip(TABLES, (2, 2, 3, 1, 2, 1, 1, 1, 2)))
    assert keys == [(p, child_key(TEST_PSEUDONYMISATION_SECRET, "841", p)) for p in ("C1", "C2")]


def test_the_same_file_again_is_a_duplicate_and_2023_24_gender_current_maps_to_ssd_codes(loaded, settings):
    landing, before = loaded
    write(landing, "cin_census", "again.xml", census(CHILD_1, CHILD_2))
    old = (CHILD_1.replace("<Sex>F</Sex>", "<GenderCurrent>2</GenderCurrent>")
           + CHILD_2.replace("<Sex>U</Sex>", "<GenderCurrent>9</GenderCurrent>"))
    write(landing, "cin_census", "cin_2023-24.xml", census(old, year="2024", reference="2024-03-31"))
    report = ingest(landing, settings)
    assert sorted((f.file_name, f.outcome) for f in report.files) == [
        ("again.xml", "duplicate"), ("cin_2023-24.xml", "loaded"), ("cin_2024-25.xml", "duplicate")]
    assert rows(settings, "children", "collection_year, person_id, sex, sex_code") == [
        ("2024-25", "C1", "F", "F"), ("2024-25", "C2", "U", "U"), ("2023-24", "C1", "2", "F"), ("2023-24", "C2", "9", "I")]


BILLION_LAUGHS = ('<!DOCTYPE Message [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')
DOCTYPE_REASON = ("a DOCTYPE (DTD) in the file: refused unread, a CIN census carries none (entity expansion and "
                  "external entities are never resolved)")


@pytest.mark.parametrize("name, content, reason", [
    ("laughs.xml", census(CHILD_1.replace("<UPN>A841000000001</UPN>", "<UPN>&lol3;</UPN>"), doctype=BILLION_LAUGHS),
     DOCTYPE_REASON),
    ("xxe.xml", census(CHILD_1.replace("<UPN>A841000000001</UPN>", "<UPN>&xxe;</UPN>"),
                       doctype='<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'), DOCTYPE_REASON),
    ("dtd.xml", census(CHILD_1, doctype='<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">\n'),
     DOCTYPE_REASON),
    # cut after the second child's identifiers: the first child was read whole, and still nothing is loaded
    ("truncated.xml", census(CHILD_1, CHILD_2).rsplit("<CINdetails>", 1)[0],
     "not well-formed XML (Premature end of data in tag Child line 22, line 24, column 7); the file may be "
     "truncated"),
    ("code.xml", census(CHILD_1.replace("<ReferralSource>5A", "<ReferralSource>5Z")),
     "Child 1 (LAchildID 'C1'): CINdetails 2, <ReferralSource>: unknown code '5Z' (2024-25 accepts 1A, 1B, 1C, 1D, "
     "2A, 2B, 3A, 3B, 3C, 3D, 3E, 3F, …)"),
    ("factor.xml", census(CHILD_2, CHILD_1.replace(">21<", ">99<")),
     "Child 2 (LAchildID 'C1'): CINdetails 2, Assessments 1, <AssessmentFactors>: unknown code '99' (2024-25 accepts "
     "1A, 1B, 1C, 2A, 2B, 2C, 3A, 3B, 3C, 4A, 4B, 4C, …)"),
    ("date.xml", census(CHILD_1.replace("<CPPreviewDate>2025-01-09", "<CPPreviewDate>09/01/2025")),
     "Child 1 (LAchildID 'C1'): CINdetails 2, ChildProtectionPlans 1, <CPPreviewDate>: '09/01/2025' is not an ISO "
     "date (yyyy-mm-dd)"),
    ("sex.xml", census(CHILD_2.replace("<Sex>U</Sex>", "<GenderCurrent>0</GenderCurrent>")),
     "Child 1 (LAchildID 'C2'): unexpected element <GenderCurrent> in <ChildIdentifiers> (2024-25)"),
    ("twice.xml", census(CHILD_1, CHILD_1),
     "Child 2 (LAchildID 'C1'): LAchildID appears twice (Child 1 and Child 2)"),
    ("year.xml", census(CHILD_1, year="2021", reference="2021-03-31"),
     "Header: no CIN census specification for <Year> '2021': have 2024 (2023-24), 2025 (2024-25)"),
    ("reference.xml", census(CHILD_1, reference="2025-04-01"),
     "Header: <ReferenceDate> '2025-04-01' is not 2024-25's 2025-03-31"),
    ("noreferral.xml", census(CHILD_2.replace("<CINreferralDate>2025-03-31</CINreferralDate>", "")),
     "Child 1 (LAchildID 'C2'): CINdetails 1, <CINreferralDate> is missing or blank"),
    ("empty.xml", census(), "no <Child> in <Children>: a census holds at least one child"),
    ("other.xml", '<?xml version="1.0"?><Workbook/>', "the root element is <Workbook>, not <Message>: not a CIN census"),
    ("text.xml", "LAchildID,CINreferralDate\nC1,2024-06-03\n",
     "not well-formed XML (Start tag expected, '<' not found, line 1, column 1); the file may be truncated"),
], ids=lambda value: value if isinstance(value, str) and value.endswith(".xml") else "")
def test_hostile_and_careless_files_are_quarantined_and_nothing_is_lost(loaded, settings, name, content, reason):
    landing, before = loaded
    write(landing, "cin_census", name, content)
    report = ingest(landing, settings)
    assert_quarantined(report, settings, name, reason)
    assert snapshot(settings) == before
    assert "root:" not in str(snapshot(settings))  # nothing of /etc/passwd anywhere
