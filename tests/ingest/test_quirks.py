"""Reader quirks real extracts have (docs/specs/FEEDS.md): each proved with a small fixture file loaded end to end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foundation.warehouse import connect
from ingest.core.load import load_landing

HEALTH_HEADER = "assessment_id,person_id,assessment_type,requested_date,due_date,completed_date,outcome"
ATTENDANCE_HEADER = (
    "person_id,school_urn,school_phase,week_start,possible_sessions,attended_sessions,"
    "authorised_absence_sessions,unauthorised_absence_sessions"
)


def land(tmp_path: Path, feed: str, name: str, content: str | bytes) -> Path:
    landing = tmp_path / "landing"
    path = landing / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return landing


def load_rows(tmp_path: Path, settings, feed: str, name: str, content: str | bytes, table: str,
              columns: str = "*") -> list[tuple]:
    """Load one file, assert it loaded, and return its raw rows in file order."""
    landing = land(tmp_path, feed, name, content)
    con = connect(settings)
    try:
        report = load_landing(con, landing, settings)
        assert [(f.file_name, f.outcome, f.reason) for f in report.files] == [(name, "loaded", "")]
        return con.execute(f"select {columns} from raw.{table} order by _row_number").fetchall()
    finally:
        con.close()


def test_utf8_bom_is_dropped_from_the_first_column_name(tmp_path, settings):
    content = b"\xef\xbb\xbf" + (HEALTH_HEADER + "\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA\n").encode()
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "assessment_id, person_id")
    assert rows == [("H1", "P1")]


def test_crlf_line_ends(tmp_path, settings):
    content = HEALTH_HEADER + "\r\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA\r\nH2,P2,RHA,2024-05-02,2024-05-30,,DNA\r\n"
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "assessment_id, outcome")
    assert rows == [("H1", "DNA"), ("H2", "DNA")]


def test_quoted_fields_with_commas_and_newlines(tmp_path, settings):
    content = HEALTH_HEADER + ",provider\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA,\"Trust, Site A\nWard 2\"\n"
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "provider, _row_number")
    assert rows == [("Trust, Site A\nWard 2", 1)]


def test_iso_uk_and_datetime_dates(tmp_path, settings):
    content = HEALTH_HEADER + (
        "\nH1,P1,IHA,2024-05-01,29/05/2024,2024-05-20 14:30:00,COMPLETED"
        "\nH2,P2,IHA,1/5/2024,2024-05-29T09:00:00Z,03/06/2024 09:15,COMPLETED\n"
    )
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "requested_date, due_date, completed_date")
    assert rows == [
        (date(2024, 5, 1), date(2024, 5, 29), date(2024, 5, 20)),
        (date(2024, 5, 1), date(2024, 5, 29), date(2024, 6, 3)),
    ]


def test_flags_in_every_spelling_are_kept_raw(tmp_path, settings):
    header = "rhi_id,person_id,missing_start_date,offered_date,declined\n"
    body = "".join(f"R{i},P{i},2024-05-01,2024-05-03,{flag}\n" for i, flag in enumerate(["Y", "n", "1", "0", "true", "False"]))
    rows = load_rows(tmp_path, settings, "partners", "rhi_20240601.csv", header + body, "partners__rhi", "declined")
    assert [r[0] for r in rows] == ["Y", "n", "1", "0", "true", "False"]  # staging normalises (macro to_flag)


def test_json_lists_as_array_or_comma_list_are_kept_raw(tmp_path, settings):
    content = (
        "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json\n"
        'C1,P1,2024-05-01,1A,"[""NFA"", ""EH""]"\n'
        'C2,P2,2024-05-01,1A,"NFA,EH"\n'
    )
    rows = load_rows(tmp_path, settings, "case_system", "ssd_contacts.csv", content, "case_system__ssd_contacts",
                     "cont_contact_outcome_json")
    assert rows == [('["NFA", "EH"]',), ("NFA,EH",)]


def test_extra_columns_are_kept_and_absent_optional_columns_are_null(tmp_path, settings):
    content = HEALTH_HEADER + ",Clinic_Room\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA,Room 4\n"
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "clinic_room, nhs_number, provider")
    assert rows == [("Room 4", None, None)]


def test_trailing_blank_lines_are_ignored(tmp_path, settings):
    content = HEALTH_HEADER + "\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA\n\n\r\n,,,,,,\n   \n"
    rows = load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments",
                     "assessment_id")
    assert rows == [("H1",)]


def test_excel_trailing_comma_gives_no_phantom_column(tmp_path, settings):
    content = HEALTH_HEADER + ",\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA,\n"
    load_rows(tmp_path, settings, "health", "health_assessments_20240601.csv", content, "health__assessments")
    con = connect(settings, read_only=True)
    columns = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                          "where table_schema = 'raw' and table_name = 'health__assessments'").fetchall()]
    assert "" not in columns


@pytest.mark.parametrize("person_id", ["1234.0", "1234.00", "1234"])
def test_excel_dot_zero_on_integer_ids_and_counts(tmp_path, settings, person_id):
    content = ATTENDANCE_HEADER + f"\n{person_id},105432.0,PRIMARY,06/05/2024,10.0,9.0,1,0\n"
    rows = load_rows(tmp_path, settings, "education", "vs_attendance_20240510.csv", content, "education__vs_attendance",
                     "person_id, school_urn, possible_sessions, attended_sessions")
    assert rows == [("1234", "105432", 10, 9)]


def test_values_under_a_blank_header_are_refused(tmp_path, settings):
    landing = land(tmp_path, "health", "health_assessments_20240601.csv",
                   HEALTH_HEADER + ",\nH1,P1,IHA,2024-05-01,2024-05-29,,DNA,surprise\n")
    con = connect(settings)
    try:
        [outcome] = load_landing(con, landing, settings).files
    finally:
        con.close()
    assert outcome.outcome == "quarantined"
    assert outcome.reason == "health_assessments_20240601.csv: row 1, column 8: value 'surprise' under a blank header"
