"""The workbook's sheets and cells (docs/specs/REGIONAL_RETURN.md, item 1)."""

from datetime import datetime

import pytest
from openpyxl import load_workbook

import csw
from exports.regional.suppression import Suppression
from exports.xlsx import FORMULA_STARTS

RETURN_ORDER = [
    "REF_RATE", "ASMT_45WD_PCT", "CLA_STARTS", "CLA_UASC_COUNT", "CPP_SECOND_PCT", "HLTH_DENTAL_PCT",
    "CL_EET_19_21_PCT", "WF_CASELOAD_AVG", "CONT_COUNT",
]


def test_sheets(write_return) -> None:
    files = write_return()
    assert load_workbook(files.workbook).sheetnames == ["Cover", "Return", "Data quality", "Definitions"]
    assert files.folder.name == "2024-25Q4" and files.folder.parent.name == "841"
    assert files.workbook.name == "return_841_2024-25Q4.xlsx"


def test_cover(write_return) -> None:
    ws = load_workbook(write_return().workbook)["Cover"]
    cover = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    values = {field: cell.value for field, cell in cover.items()}
    assert values["la_code"] == "841"
    assert values["la_name"] == "Darlington"
    assert values["region"] == "North East"
    assert values["period"] == "2024-25Q4"
    assert values["period_start"] == datetime(2025, 1, 1)
    assert values["period_end"] == datetime(2025, 3, 31)
    assert values["as_of"] == datetime(2025, 4, 11)  # the latest dq run's as_of
    assert values["generated_at (UTC)"] == datetime(2025, 4, 14, 9, 30)
    for field in ("period_start", "period_end", "as_of", "generated_at (UTC)"):
        assert cover[field].is_date, field
    assert values["software version"] == csw.__version__
    assert values["data quality status"] == "PASSED"
    assert values["data quality checks run"] == 3
    assert values["data quality warnings"] == 1
    assert values["catalogue version"] == "2025.1"


def test_return_rows_follow_the_catalogue_order(write_return, return_table) -> None:
    table = return_table(write_return().workbook)
    assert list(table) == RETURN_ORDER  # REF_NFA_PCT is not in the return set
    headers = list(next(iter(table.values())))
    assert headers == [
        "indicator_id", "title", "unit", "2024-25Q4", "2024-25Q3", "2024-25Q2", "2024-25Q1", "2023-24Q4",
        "numerator", "denominator", "better", "note",
    ]


def test_values_are_unrounded_numbers_with_display_formats(write_return) -> None:
    ws = load_workbook(write_return().workbook)["Return"]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    ref_rate = rows["REF_RATE"]
    assert ref_rate[3].data_type == "n" and ref_rate[3].value == pytest.approx(107 / 25000 * 10000, rel=1e-15)
    assert ref_rate[3].number_format == "0.0"
    assert rows["ASMT_45WD_PCT"][3].value == 100 * 87 / 107  # stored unrounded
    assert rows["ASMT_45WD_PCT"][3].number_format == "0.0"
    assert rows["CONT_COUNT"][3].value == 1241 and rows["CONT_COUNT"][3].number_format == "#,##0"
    assert rows["WF_CASELOAD_AVG"][3].value == pytest.approx(17.85) and rows["WF_CASELOAD_AVG"][3].number_format == "0.0"
    assert (rows["ASMT_45WD_PCT"][8].value, rows["ASMT_45WD_PCT"][9].value) == (87, 107)
    assert rows["ASMT_45WD_PCT"][8].number_format == "#,##0"
    for row in rows.values():
        for cell in row[3:10]:
            number = cell.value is None or isinstance(cell.value, (int, float))
            assert number or cell.value == "c", (row[0].value, cell.coordinate)  # c: suppressed small number


def test_earlier_quarters_notes_and_direction(write_return, return_table) -> None:
    table = return_table(write_return(suppression=Suppression.off("test: show the decoys' small numbers")).workbook)
    assert [table["CONT_COUNT"][q] for q in ("2024-25Q4", "2024-25Q3", "2024-25Q2", "2024-25Q1", "2023-24Q4")] == [
        1241, 1240, 1239, 1238, 1237,
    ]
    assert table["HLTH_DENTAL_PCT"]["2024-25Q4"] is None
    assert table["HLTH_DENTAL_PCT"]["note"] == "denominator is zero"
    assert table["CL_EET_19_21_PCT"]["2024-25Q4"] is None
    assert table["CL_EET_19_21_PCT"]["note"] == "no data for this quarter"
    assert table["CL_EET_19_21_PCT"]["2024-25Q3"] == 40
    assert table["CLA_STARTS"]["2024-25Q4"] == 3  # 840's and the month/year rows ignored
    assert table["CLA_STARTS"]["note"] is None
    assert table["ASMT_45WD_PCT"]["better"] == "high"
    assert table["REF_RATE"]["better"] == "—"


def test_previous_quarters_across_a_financial_year_boundary(write_return, return_table) -> None:
    table = return_table(write_return(period="2024-25Q1").workbook)
    row = table["CONT_COUNT"]
    labels = list(row)[3:8]
    assert labels == ["2024-25Q1", "2023-24Q4", "2023-24Q3", "2023-24Q2", "2023-24Q1"]
    assert [row[label] for label in labels] == [1238, 1237, 1236, 1235, 1234]


def test_quarters_before_the_data_are_blank(write_return, return_table) -> None:
    row = return_table(write_return(period="2023-24Q2").workbook)["CONT_COUNT"]
    assert [row[label] for label in list(row)[3:8]] == [1235, 1234, None, None, None]


def test_header_bold_and_frozen_and_widths_set(write_return) -> None:
    wb = load_workbook(write_return().workbook)
    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        assert all(cell.font.bold for cell in ws[1]), ws.title
        for column in range(1, ws.max_column + 1):
            dimension = ws.column_dimensions[ws.cell(row=1, column=column).column_letter]
            assert dimension.customWidth and 8 <= dimension.width <= 62, (ws.title, column)
    assert wb["Return"].column_dimensions["B"].width > wb["Return"].column_dimensions["C"].width


def test_no_cell_starts_like_a_formula(write_return) -> None:
    wb = load_workbook(write_return().workbook)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (ws.title, cell.coordinate, cell.value)
    # The catalogue's "@Contacts" and "=SUM(A1) …" are kept, behind one space.
    assert wb["Return"]["B10"].value == " @Contacts"
    assert wb["Definitions"]["C10"].value.startswith(" =SUM(A1)")


def test_data_quality_sheet_lists_every_check_of_the_latest_run(write_return) -> None:
    ws = load_workbook(write_return().workbook)["Data quality"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("suite", "check", "feed", "table", "severity", "status", "observed value", "rows failing")
    assert len(rows) == 4  # run-2's three checks; the older FAILED run-1 is not shown
    warning = [r for r in rows[1:] if r[4] == "warning"]
    assert warning == [
        ("raw_health__assessments", "completed_date_not_future", "health", "assessments", "warning", "failed",
         "3 of 40 rows", 3),  # dq's "; found 2031-02-30" stays inside the authority
    ]
    assert [r[6] for r in rows[1:] if r[5] == "passed"] == [0, 0]  # a plain count is a number cell


def test_definitions_sheet(write_return) -> None:
    rows = list(load_workbook(write_return().workbook)["Definitions"].iter_rows(values_only=True))
    assert rows[0] == ("indicator_id", "title", "definition")
    assert [r[0] for r in rows[1:]] == RETURN_ORDER
    assert rows[2] == (
        "ASMT_45WD_PCT", "Assessments within 45 working days",
        "Of assessments authorised in period, those within 45 working days",
    )
