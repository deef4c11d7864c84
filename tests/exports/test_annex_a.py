"""Ofsted's Annex A workbook on a hand-made warehouse: the period's first day is in and the day before is out,
ages at the as-of date, Ofsted's headings exactly, the "last 12 months" counts, the Notes sheet and manifest,
and the authority's own person ids (never the pseudonymous keys) in the Child Unique ID column."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from exports.errors import ExportRefused
from exports.files import sha256_of
from exports.statutory.annex_a import write_annex_a
from ingest.annex_a.spec import age_on, load_lists, window_start
from tests.exports.conftest import as_hub

AS_OF = date(2025, 3, 31)  # six-month period 2024-10-01 .. 2025-03-31; twelve months from 2024-04-01
LA = "841"
STAMP = datetime(2025, 4, 1, 9, 0, 0)

TABLES = {
    "raw._child_keys": "la_code varchar, person_id varchar, child_key varchar",
    "staging.stg_case_system__persons": "child_key varchar, sex_code varchar, ethnicity_code varchar, "
                                        "birth_date date, expected_birth_date date, death_date date",
    "staging.stg_case_system__disabilities": "disability_id varchar, child_key varchar, disability_code varchar",
    "staging.stg_case_system__involvements": "involvement_id varchar, professional_id varchar, child_key varchar, "
                                             "start_date date, end_date date, team_id varchar",
    "staging.stg_case_system__departments": "team_id varchar, team_name varchar, parent_team_id varchar",
    "staging.stg_case_system__family_members": "family_member_id varchar, family_id varchar, child_key varchar",
    "staging.stg_case_system__contacts": "contact_id varchar, child_key varchar, contact_date date, "
                                         "contact_source_code varchar",
    "staging.stg_case_system__early_help_episodes": "early_help_episode_id varchar, child_key varchar, "
                                                    "start_date date, end_date date, reason_code varchar, "
                                                    "end_reason_code varchar",
    "staging.stg_case_system__referrals": "referral_id varchar, child_key varchar, referral_date date, "
                                          "primary_need_code varchar, referral_source_code varchar, is_nfa boolean, "
                                          "close_reason_code varchar, close_date date",
    "staging.stg_case_system__assessments": "assessment_id varchar, child_key varchar, referral_id varchar, "
                                            "start_date date, authorised_date date, is_outcome_nfa boolean, "
                                            "is_child_seen boolean",
    "staging.stg_case_system__s47_enquiries": "s47_enquiry_id varchar, child_key varchar, referral_id varchar, "
                                              "start_date date, end_date date, is_nfa boolean",
    "staging.stg_case_system__initial_cp_conferences": "icpc_id varchar, child_key varchar, s47_enquiry_id varchar, "
                                                       "referral_id varchar, icpc_date date, is_transfer_in boolean, "
                                                       "is_cp_plan_outcome boolean, cp_plan_id varchar",
    "staging.stg_case_system__cin_plans": "cin_plan_id varchar, child_key varchar, referral_id varchar, "
                                          "start_date date, end_date date",
    "staging.stg_case_system__cin_visits": "cin_visit_id varchar, child_key varchar, visit_date date, "
                                           "is_child_seen boolean",
    "staging.stg_case_system__cp_plans": "cp_plan_id varchar, child_key varchar, referral_id varchar, icpc_id varchar, "
                                         "start_date date, end_date date, initial_category_code varchar, "
                                         "latest_category_code varchar",
    "staging.stg_case_system__cp_visits": "cp_visit_id varchar, child_key varchar, cp_plan_id varchar, "
                                          "visit_date date, is_child_seen boolean, is_child_seen_alone boolean",
    "staging.stg_case_system__cp_reviews": "cp_review_id varchar, child_key varchar, cp_plan_id varchar, "
                                           "due_date date, review_date date",
    "staging.stg_case_system__cla_episodes": "cla_episode_id varchar, child_key varchar, cla_id varchar, "
                                             "start_date date, start_reason_code varchar, primary_need_code varchar, "
                                             "ceased_date date, ceased_reason_code varchar, entered_care_date date",
    "staging.stg_case_system__cla_visits": "cla_visit_id varchar, child_key varchar, cla_id varchar, "
                                           "visit_date date, is_child_seen boolean, is_child_seen_alone boolean",
    "staging.stg_case_system__cla_reviews": "cla_review_id varchar, cla_id varchar, due_date date, review_date date, "
                                            "is_cancelled boolean, participation_code varchar",
    "staging.stg_case_system__legal_statuses": "legal_status_id varchar, child_key varchar, "
                                               "legal_status_code varchar, start_date date, end_date date",
    "staging.stg_case_system__cla_placements": "placement_id varchar, child_key varchar, cla_id varchar, "
                                               "start_date date, end_date date, placement_type_code varchar, "
                                               "placement_provider_code varchar, distance_miles double precision, "
                                               "change_reason_code varchar",
    "staging.stg_case_system__cla_health_checks": "health_check_id varchar, child_key varchar, "
                                                  "health_check_type_code varchar, health_check_date date, "
                                                  "health_check_status_code varchar",
    "intermediate.int_health_assessments_completed": "assessment_id varchar, child_key varchar, "
                                                     "assessment_type varchar, completed_date date",
    "staging.stg_case_system__missing_episodes": "missing_episode_id varchar, child_key varchar, start_date date, "
                                                 "end_date date, missing_type_code varchar, is_rhi_offered boolean, "
                                                 "is_rhi_accepted boolean",
    "staging.stg_case_system__immigration_statuses": "immigration_status_id varchar, child_key varchar, "
                                                     "immigration_status_code varchar, start_date date, end_date date",
    "staging.stg_case_system__care_leavers": "care_leaver_record_id varchar, child_key varchar, "
                                             "eligibility_code varchar, in_touch_code varchar, "
                                             "latest_contact_date date, accommodation_code varchar, "
                                             "is_accommodation_suitable boolean, activity_code varchar, "
                                             "pathway_plan_review_date date",
    "staging.stg_case_system__permanence": "permanence_id varchar, child_key varchar, cla_id varchar, "
                                           "adoption_decision_date date, placement_order_date date, matched_date date, "
                                           "placed_for_adoption_date date, permanence_order_date date, "
                                           "permanence_order_type_code varchar, decision_reversed_date date",
}

D = date.fromisoformat
# Four children; the keys stand in for the warehouse's HMAC keys and must never reach the workbook.
PEOPLE = [
    # key, person id, sex, ethnicity, born, expected
    ("key-a", "P1", "M", "WBRI", D("2015-04-01"), None),  # 9 on the as-of date: 10 the day after
    ("key-b", "P2", "F", "NOBT", D("2015-03-31"), None),  # 10 on the as-of date: the birthday itself
    ("key-c", "P3", "U", "XXXX", None, D("2025-05-01")),  # unborn: age -1; an unknown ethnicity code as held
    ("key-d", "P4", "F", "WBRI", D("2008-06-15"), None),  # 16
    ("key-e", "P5", "M", "WBRI", D("2004-05-05"), None),  # 20: a care leaver
    ("key-f", "P6", "M", "WBRI", D("1998-01-01"), None),  # 27: past leaving care support
    ("key-g", "P7", "F", "WBRI", D("2005-01-01"), None),
]
ROWS = {
    "staging.stg_case_system__disabilities": [("DIS1", "key-b", "AUT"), ("DIS2", "key-d", "NONE")],
    "staging.stg_case_system__departments": [
        ("T1", "Safeguarding Team 1", None), ("T2", "Children in Care Team", None),
    ],
    "staging.stg_case_system__involvements": [
        ("I1", "W1", "key-a", D("2024-01-01"), D("2025-03-31"), "T2"),  # ends on the as-of date: not open at it
        ("I2", "W2", "key-a", D("2023-06-01"), None, "T1"),
        ("I3", "W3", "key-d", D("2024-02-01"), None, "T2"),
    ],
    "staging.stg_case_system__family_members": [("F1", "FAM9", "key-d")],
    "staging.stg_case_system__contacts": [
        ("C1", "key-a", D("2024-09-30"), "6"),  # the day before the period: out
        ("C2", "key-a", D("2024-10-01"), "6"),  # the period's first day: in
        ("C3", "key-b", D("2025-03-31"), "99"),  # the as-of date: in; a source code the list lacks, as held
        ("C4", "key-b", D("2025-04-01"), "6"),  # after the as-of date: out
        ("C5", "key-c", D("2025-01-10"), "2A"),
    ],
    "staging.stg_case_system__referrals": [
        ("R0", "key-a", D("2023-12-01"), "N1", "6", False, None, None),  # over 12 months before the latest
        ("R1", "key-a", D("2024-03-01"), "N1", "6", True, "RC8", D("2024-03-20")),
        ("R2", "key-a", D("2024-12-01"), "N4", "2A", False, None, None),
        ("R3", "key-a", D("2025-01-15"), "N1", "3A", True, "RC8", D("2025-02-01")),
        ("R4", "key-a", D("2025-06-01"), "N1", "6", False, None, None),  # after the as-of date
    ],
    "staging.stg_case_system__cp_plans": [
        ("CP0", "key-d", None, None, D("2021-01-01"), D("2021-09-01"), "NEG", "NEG"),
        ("CP1", "key-d", None, None, D("2024-11-04"), D("2025-05-01"), "EMO", "NEG"),  # ends after the as-of date
        ("CP2", "key-b", None, None, D("2024-01-01"), D("2024-09-30"), "PHY", "PHY"),  # ended before the period
    ],
    "staging.stg_case_system__cp_visits": [
        ("V1", "key-d", "CP1", D("2025-03-01"), True, False),
        ("V2", "key-d", "CP1", D("2025-03-20"), True, True),
        ("V3", "key-d", "CP1", D("2025-04-02"), True, False),  # after the as-of date
    ],
    "staging.stg_case_system__cp_reviews": [("REV1", "key-d", "CP1", D("2025-01-27"), D("2025-01-24"))],
    "staging.stg_case_system__legal_statuses": [
        ("L1", "key-d", "L2", D("2024-10-28"), D("2024-11-04")),  # an EPO in the period
        ("L2", "key-d", "C1", D("2024-11-04"), None),
    ],
    "staging.stg_case_system__cla_episodes": [
        ("E1", "key-d", "CLA1", D("2024-11-04"), "S", "N1", D("2025-02-10"), "X1", D("2024-11-04")),
        ("E2", "key-d", "CLA1", D("2025-02-10"), "P", "N1", D("2025-04-20"), "E4A", D("2024-11-04")),
    ],
    "staging.stg_case_system__cla_placements": [
        ("PL0", "key-d", "CLA1", D("2024-11-04"), D("2025-02-10"), "U6", "PR1", 3.0, None),
        ("PL1", "key-d", "CLA1", D("2025-02-10"), None, "K2", "PR4", 30.0, None),
    ],
    "staging.stg_case_system__missing_episodes": [
        ("M0", "key-d", D("2024-03-30"), D("2024-03-31"), "M", True, True),  # before the 12 months
        ("M1", "key-d", D("2024-12-01"), D("2024-12-02"), "M", True, False),
        ("M2", "key-d", D("2025-01-05"), D("2025-01-05"), "A", False, False),
    ],
    "intermediate.int_health_assessments_completed": [("H1", "key-d", "IHA", D("2024-12-01"))],
    "staging.stg_case_system__early_help_episodes": [
        ("EH1", "key-b", D("2024-09-30"), D("2024-12-01"), None, None),  # started the day before, ended: out
        ("EH2", "key-b", D("2024-10-01"), D("2025-05-01"), None, None),  # ends after the as-of date: end empty
        ("EH3", "key-c", D("2023-05-01"), None, None, None),  # open on the as-of date
    ],
    "staging.stg_case_system__assessments": [
        ("A1", "key-b", None, D("2024-09-15"), D("2024-10-01"), False, True),  # authorised in the period
        ("A2", "key-b", None, D("2024-03-01"), D("2024-09-30"), False, True),  # authorised the day before: out
        ("A3", "key-b", None, D("2025-03-01"), D("2025-04-10"), True, None),  # authorised after the as-of date
    ],
    "staging.stg_case_system__s47_enquiries": [
        ("S0", "key-d", None, D("2024-06-01"), D("2024-06-20"), True),  # before the period; counted in 12 months
        ("S1", "key-d", None, D("2024-10-20"), D("2024-11-01"), False),
        ("S2", "key-d", None, D("2025-02-01"), D("2025-02-20"), True),  # no further action, no ICPC
        ("S3", "key-d", None, D("2025-03-25"), None, None),  # open: no decision yet
    ],
    "staging.stg_case_system__initial_cp_conferences": [
        ("IC1", "key-d", "S1", None, D("2024-11-04"), False, True, "CP1"),
    ],
    "staging.stg_case_system__care_leavers": [
        ("CL1", "key-e", "FORMER_RELEVANT", "YES", D("2024-01-01"), "D", True, "F2", D("2024-01-10")),
        ("CL2", "key-e", "FORMER_RELEVANT", "NO", D("2025-02-01"), "S", False, "G5", D("2025-04-05")),
        ("CL3", "key-e", "FORMER_RELEVANT", "YES", D("2025-05-01"), "U", True, "F1", None),  # after the date
        ("CL4", "key-f", "FORMER_RELEVANT", "YES", D("2025-01-01"), "U", True, "F1", None),  # aged 27
        ("CL5", "key-g", "FORMER_RELEVANT", "DIED", D("2025-01-01"), None, None, None, None),
    ],
    "staging.stg_case_system__immigration_statuses": [
        ("IS1", "key-e", "UASC", D("2019-06-01"), D("2022-05-05")),  # formerly UASC
    ],
    "staging.stg_case_system__permanence": [
        # adopted on the first day of the 12 months: in
        ("PM1", "key-b", "CLA9", D("2023-06-01"), D("2023-09-01"), D("2024-02-01"), D("2024-03-01"),
         D("2024-04-01"), "ADOPTION", None),
        # decision reversed the day before the 12 months: out
        ("PM2", "key-a", "CLA8", D("2022-01-01"), None, None, None, None, None, D("2024-03-31")),
        # waiting: the placement order comes after the as-of date, so it is not shown
        ("PM3", "key-d", "CLA1", D("2025-01-10"), D("2025-04-15"), None, None, None, None, None),
    ],
    "staging.stg_case_system__cla_health_checks": [
        ("HC1", "key-d", "DENTAL", D("2025-01-20"), "COMPLETED"),
        ("HC2", "key-d", "RHA", D("2025-03-01"), "DNA"),  # not completed: not a health assessment
    ],
}


def fill(con) -> None:
    """The hand-made warehouse, in plain SQL both engines read (tests/server runs it on Postgres too)."""
    for schema in ("raw", "staging", "intermediate"):
        con.execute(f"create schema if not exists {schema}")
    for table, columns in TABLES.items():
        con.execute(f"create table {table} ({columns})")
    for key, person_id, sex, ethnicity, born, expected in PEOPLE:
        con.execute("insert into raw._child_keys values ($1, $2, $3)", [LA, person_id, key])
        con.execute("insert into staging.stg_case_system__persons values ($1, $2, $3, $4, $5, null)",
                    [key, sex, ethnicity, born, expected])
    for table, rows in ROWS.items():
        marks = ", ".join(f"${i}" for i in range(1, len(rows[0]) + 1))
        for row in rows:
            con.execute(f"insert into {table} values ({marks})", list(row))
    as_hub(con, LA)  # every row again as 840's, same ids and keys: LA's workbook reads none of them


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    base = tmp_path_factory.mktemp("annex_a")
    con = duckdb.connect(str(base / "warehouse.duckdb"))
    fill(con)
    files = write_annex_a(con, as_of=AS_OF, out_dir=base / "out", la_code=LA, generated_at=STAMP)
    workbook = load_workbook(files.workbook)
    yield con, files, workbook
    con.close()


def sheet_rows(workbook, name):
    return [list(row) for row in workbook[name].iter_rows(min_row=2, values_only=True)]


def test_list_1_takes_the_period_first_day_not_the_day_before_with_ages_at_the_as_of_date(written):
    _, _, workbook = written
    assert [c.value for c in workbook["List 1"][1]] == [
        "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
        "Contact Source",
    ]
    assert sheet_rows(workbook, "List 1") == [
        ["P1", "a) Male", "a) WBRI", datetime(2015, 4, 1), 9, datetime(2024, 10, 1), "q) 6: Police"],
        ["P3", "c) Not stated/recorded", "XXXX", None, -1, datetime(2025, 1, 10), "e) 2A: Schools"],
        ["P2", "b) Female", "t) NOBT", datetime(2015, 3, 31), 10, datetime(2025, 3, 31), "99"],
    ]
    assert workbook["List 1"]["F2"].number_format == "dd/mm/yyyy"


def test_list_3_counts_referrals_in_the_12_months_before_the_latest(written):
    _, _, workbook = written
    # P1's latest referral by the as-of date is R3 (2025-01-15); R1 and R2 fall in the 12 months before it,
    # R0 does not; R4 is after the as-of date. Only R2 and R3 are in the period. Team: I2 (I1 ended on the date).
    assert sheet_rows(workbook, "List 3") == [
        ["P1", "a) Male", "a) WBRI", datetime(2015, 4, 1), 9, datetime(2024, 12, 1), "e) 2A: Schools", "b) No", 2,
         "Safeguarding Team 1", None],
        ["P1", "a) Male", "a) WBRI", datetime(2015, 4, 1), 9, datetime(2025, 1, 15), "g) 3A: Health services",
         "a) Yes", 2, "Safeguarding Team 1", None],
    ]


def test_list_2_takes_episodes_started_in_the_period_or_open_on_the_date(written):
    _, _, workbook = written
    assert sheet_rows(workbook, "List 2") == [
        ["P3", "c) Not stated/recorded", "XXXX", None, -1, datetime(2023, 5, 1), None, None],
        ["P2", "b) Female", "t) NOBT", datetime(2015, 3, 31), 10, datetime(2024, 10, 1), None, None],
    ]


def test_list_4_shows_authorisation_only_when_known_on_the_date(written):
    _, _, workbook = written
    assert sheet_rows(workbook, "List 4") == [
        ["P2", "b) Female", "t) NOBT", datetime(2015, 3, 31), 10, "a) Yes", datetime(2024, 9, 15), "a) Yes",
         datetime(2024, 10, 1), "a) Yes", None, None],
        ["P2", "b) Female", "t) NOBT", datetime(2015, 3, 31), 10, "a) Yes", datetime(2025, 3, 1), None, None, None,
         None, None],
    ]


def test_list_5_counts_enquiries_and_conferences_before_the_latest_enquiry(written):
    _, _, workbook = written
    # Latest enquiry by the date: S3 (2025-03-25); S0, S1, S2 started in the 12 months up to it; IC1 was held in
    # the 12 months before it. S0 is before the period, so not a row.
    child = ["P4", "b) Female", "a) WBRI", datetime(2008, 6, 15), 16, "b) No"]
    assert sheet_rows(workbook, "List 5") == [
        child + [datetime(2024, 10, 20), "b) No", datetime(2024, 11, 4), "a) Yes", 3, 1, "Children in Care Team", None],
        child + [datetime(2025, 2, 1), "a) Yes", None, None, 3, 1, "Children in Care Team", None],
        child + [datetime(2025, 3, 25), None, None, None, 3, 1, "Children in Care Team", None],
    ]


def test_list_9_takes_each_care_leavers_latest_record_known_on_the_date(written):
    _, _, workbook = written
    # CL3 is after the date; P6 is 27 and P7 died: not listed. The pathway review of 2025-04-05 is not known yet.
    assert sheet_rows(workbook, "List 9") == [
        ["P5", "a) Male", "a) WBRI", datetime(2004, 5, 5), 20, "a) Yes", "c) Unknown", None, None, None,
         "b) Former relevant child", None, "b) No", datetime(2025, 2, 1), "S: No fixed abode/homeless",
         "b) Unsuitable", "G5: Not in education, employment or training - other"],
    ]


def test_list_10_takes_the_12_months_from_their_first_day(written):
    _, _, workbook = written
    assert sheet_rows(workbook, "List 10") == [
        ["P2", None, "b) Female", "t) NOBT", datetime(2015, 3, 31), 10, "a) Yes", None, datetime(2023, 6, 1),
         datetime(2023, 9, 1), datetime(2024, 2, 1), datetime(2024, 3, 1), datetime(2024, 4, 1), None, None, None],
        ["P4", "FAM9", "b) Female", "a) WBRI", datetime(2008, 6, 15), 16, "b) No", datetime(2024, 11, 4),
         datetime(2025, 1, 10), None, None, None, None, None, None, None],
    ]


def test_list_6_leaves_out_referrals_closed_with_no_further_action(written):
    _, _, workbook = written
    # P1's R0 and R2 are open CIN episodes at the as-of date; R1 and R3 ended with no further action; no plan,
    # care episode or open assessment, so no case status; nothing recorded of disability: Unknown.
    assert sheet_rows(workbook, "List 6") == [
        ["P1", "a) Male", "a) WBRI", datetime(2015, 4, 1), 9, "c) Unknown", datetime(2023, 12, 1),
         "N1 - Abuse or neglect", None, None, None, None, "Safeguarding Team 1", None],
        ["P1", "a) Male", "a) WBRI", datetime(2015, 4, 1), 9, "c) Unknown", datetime(2024, 12, 1),
         "N4 - Family in acute stress", None, None, None, None, "Safeguarding Team 1", None],
    ]


def test_list_7_shows_the_plan_as_at_the_as_of_date(written):
    _, _, workbook = written
    headings = [c.value for c in workbook["List 7"][1]]
    (row,) = sheet_rows(workbook, "List 7")  # CP2 ended the day before the period
    values = dict(zip(headings, row))
    assert values["Child Unique ID"] == "P4"
    assert values["Does the Child have a Disability"] == "b) No"  # only NONE recorded
    assert values["Child Protection Plan Start Date"] == datetime(2024, 11, 4)
    assert values["Initial Category of Abuse"] == "d) Emotional abuse"
    assert values["Latest Category of Abuse"] == "a) Neglect"
    assert values["Date of the Last Statutory Visit"] == datetime(2025, 3, 20)  # V3 is after the date
    assert values["Was the Child Seen Alone?"] == "a) Yes"
    assert values["Date of latest review conference"] == datetime(2025, 1, 24)
    assert values["Child Protection Plan End Date"] is None  # ends after the as-of date: not known then
    assert values["Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"] \
        == "a) Yes"
    assert values["Number of Previous Child Protection Plans"] == 1
    assert values["Allocated Team"] == "Children in Care Team"
    assert values["Allocated Worker"] is None


def test_list_8_one_row_per_child_from_the_latest_episode(written):
    _, _, workbook = written
    headings = [c.value for c in workbook["List 8"][1]]
    (row,) = sheet_rows(workbook, "List 8")
    values = dict(zip(headings, row))
    assert values["Date Started to be Looked After"] == datetime(2024, 11, 4)
    assert values["Start date of current legal status"] == datetime(2024, 11, 4)
    assert values["Child's Legal Status"] == "C1: ICO"
    assert values["Date Ceased to be Looked After"] is None  # E2 ceases after the as-of date
    assert values["Reason Ceased to be Looked After"] is None
    assert values["Number of Placements in the Last 12 months"] == 2
    assert values["Start Date of Most Recent Placement"] == datetime(2025, 2, 10)
    assert values["Placement Type"] == "p) K2: Children's Homes"
    assert values["Placement Provider"] == "e) PR4: Private provision"
    assert values["Date of Last Health Assessment"] == datetime(2024, 12, 1)  # the DNA'd RHA does not count
    assert values["Date of Last Dental Check"] == datetime(2025, 1, 20)
    assert values["Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"] == 1
    assert values["Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"] == 1
    assert values["Was the child offered a Return Interview after their last missing episode (Y/N)?"] == "a) Yes"
    assert values["Did the child accept a Return Interview after their last missing episode (Y/N)?"] == "b) No"
    assert values["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] == "b) No"
    repeat = "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
    assert values[repeat] == "b) No"
    for empty in ("What is the permanence plan for this child?", "Placement postcode", "URN of Placement",
                  "LA of Placement", "Allocated Worker"):
        assert values[empty] is None


def test_every_sheet_has_its_headings_and_lists_without_source_are_empty(written):
    _, files, workbook = written
    lists = load_lists()
    assert workbook.sheetnames == [f"List {n}" for n in range(1, 12)] + ["Notes"]
    for annex_list in lists:
        assert [c.value for c in workbook[annex_list.sheet][1]] == [c.heading for c in annex_list.columns]
    # column counts of the LIIA Annex A schema the headings come from
    assert [len(a.columns) for a in lists] == [7, 8, 11, 12, 14, 14, 17, 34, 17, 16, 19]
    assert workbook["List 11"].max_row == 1
    assert files.rows == {1: 3, 2: 2, 3: 2, 4: 2, 5: 3, 6: 2, 7: 1, 8: 1, 9: 1, 10: 2, 11: 0}


def test_notes_sheet_and_manifest_name_the_columns_left_empty(written):
    _, files, workbook = written
    notes = [row for row in workbook["Notes"].iter_rows(values_only=True)]
    assert ("As-of date (date of inspection)", datetime(2025, 3, 31)) == notes[2][:2]
    table = notes.index(("List", "Column", "Left empty because", None, None, None, None))
    empty = [(r[0], r[1]) for r in notes[table + 1:] if r[0] is not None]
    assert (8, "Date of Last IRO Visit / Contact to the Child") in empty
    assert (2, "Organisation completing assessment") in empty
    assert (11, "(every column)") in empty
    period_rows = {r[0]: (r[3], r[4], r[5]) for r in notes if isinstance(r[0], int) and isinstance(r[5], int)}
    assert period_rows[1] == (datetime(2024, 10, 1), datetime(2025, 3, 31), 3)
    assert period_rows[10] == (datetime(2024, 4, 1), datetime(2025, 3, 31), 2)
    assert period_rows[9] == (None, datetime(2025, 3, 31), 1)  # care leavers: the as-of date only

    manifest = json.loads(files.manifest.read_text())
    assert manifest["files"] == [{"name": files.workbook.name, "sha256": sha256_of(files.workbook),
                                  "bytes": files.workbook.stat().st_size}]
    assert manifest["as_of"] == "2025-03-31" and manifest["generated_at"] == "2025-04-01T09:00:00Z"
    assert [(e["period_start"], e["period_end"]) for e in manifest["lists"]][7:10] == [
        ("2024-10-01", "2025-03-31"), (None, "2025-03-31"), ("2024-04-01", "2025-03-31")]
    assert manifest["lists"][7]["columns_left_empty"] == [
        "What is the permanence plan for this child?", "Date of Last IRO Visit / Contact to the Child",
        "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement", "Allocated Worker",
    ]
    assert files.folder == files.workbook.parent and files.folder.parts[-3:] == ("annex_a", LA, "2025-03-31")


def test_no_pseudonymous_key_reaches_the_workbook_and_a_rerun_is_identical(written, tmp_path):
    con, files, workbook = written
    cells = {str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert not any(value.startswith("key-") for value in cells)
    again = write_annex_a(con, as_of=AS_OF, out_dir=tmp_path, la_code=LA, generated_at=STAMP)
    assert again.workbook.read_bytes() == files.workbook.read_bytes()


def test_a_row_whose_child_has_no_case_system_id_refuses_the_export(written, tmp_path):
    con, _, _ = written
    con.execute(f"insert into staging.stg_case_system__contacts values ('C9', 'key-unknown', '2025-01-01', '6', '{LA}')")
    try:
        with pytest.raises(ExportRefused, match="list 1 record C9: its child_key has no case-system person id"):
            write_annex_a(con, as_of=AS_OF, out_dir=tmp_path, la_code=LA, generated_at=STAMP)
        assert not (tmp_path / "annex_a").exists()
    finally:
        con.execute("delete from staging.stg_case_system__contacts where contact_id = 'C9'")


def test_period_and_age_arithmetic():
    assert window_start(date(2025, 3, 31), 6) == date(2024, 10, 1)
    assert window_start(date(2024, 8, 31), 6) == date(2024, 3, 1)  # 29 February 2024, then the day after
    assert window_start(date(2025, 3, 31), 12) == date(2024, 4, 1)
    assert age_on(date(2012, 2, 29), None, date(2025, 2, 28)) == 12  # a leap-day birthday counts from 1 March
    assert age_on(date(2012, 2, 29), None, date(2025, 3, 1)) == 13
    assert age_on(None, date(2025, 5, 1), AS_OF) == -1
    assert age_on(None, None, AS_OF) is None


def test_the_docs_list_every_column_left_empty():
    text = (Path(__file__).resolve().parents[2] / "docs" / "statutory" / "annex_a.md").read_text(encoding="utf-8")
    for annex_list in load_lists():
        if annex_list.query is None:
            assert f"| {annex_list.number} {annex_list.title} | every column" in text
            continue
        for heading, _ in annex_list.unfilled():
            assert f"| {annex_list.number} {annex_list.title} | {heading} |" in text


def test_the_command_line_refuses_a_warehouse_without_the_ssd_in_one_line(settings, capsys):
    from csw.cli import main

    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(settings.warehouse)).close()
    assert main(["export", "annex-a", "--as-of", "2025-03-31"]) == 1
    assert capsys.readouterr().err == ("csw: staging.stg_case_system__persons does not exist: load and build a "
                                       "case_system extract first (`csw run`)\n")
    assert not (settings.output_dir / "annex_a").exists()
