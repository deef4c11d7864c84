"""`suppress=True`: counts 1–4, and rates or percentages whose numerator is 1–4, become `c`."""

import json

import pytest
from openpyxl import load_workbook

from exports.regional.rows import is_small_number


def test_small_numbers_become_c_in_the_workbook(write_return, return_table) -> None:
    files = write_return(suppress=True)
    table = return_table(files.workbook)
    assert table["CLA_STARTS"]["2024-25Q4"] == "c"  # count 3
    assert table["CLA_STARTS"]["note"] == "suppressed (small number)"
    assert table["CLA_STARTS"]["numerator"] is None
    assert table["CLA_UASC_COUNT"]["2024-25Q4"] == 0  # zero is not suppressed
    assert table["CLA_UASC_COUNT"]["2024-25Q3"] == 5
    assert table["CLA_UASC_COUNT"]["2024-25Q2"] == "c"  # count 4, an earlier quarter
    assert table["CPP_SECOND_PCT"]["2024-25Q4"] == "c"  # percentage with numerator 2
    assert (table["CPP_SECOND_PCT"]["numerator"], table["CPP_SECOND_PCT"]["denominator"]) == (None, None)
    assert table["CPP_SECOND_PCT"]["2024-25Q3"] == 20  # numerator 6
    assert table["CONT_COUNT"]["2024-25Q4"] == 1241
    assert table["WF_CASELOAD_AVG"]["2024-25Q4"] == pytest.approx(17.85)  # ratios are not suppressed
    ws = load_workbook(files.workbook)["Return"]
    assert ws["D4"].value == "c" and ws["D4"].data_type == "s"


def test_small_numbers_become_c_in_the_csv(write_return) -> None:
    files = write_return(suppress=True)
    lines = files.csv.read_text().splitlines()
    assert "841,2024-25Q4,CLA_STARTS,,,c" in lines
    assert "841,2024-25Q4,CPP_SECOND_PCT,,,c" in lines
    assert "841,2024-25Q4,CLA_UASC_COUNT,0,,0" in lines
    assert "841,2024-25Q4,CONT_COUNT,1241,,1241" in lines
    assert json.loads(files.manifest.read_text())["suppressed"] is True


def test_nothing_is_suppressed_by_default(write_return, return_table) -> None:
    files = write_return()
    assert return_table(files.workbook)["CLA_STARTS"]["2024-25Q4"] == 3
    assert "c" not in [line.split(",")[-1] for line in files.csv.read_text().splitlines()]


@pytest.mark.parametrize(
    ("unit", "numerator", "value", "small"),
    [
        ("count", 0, 0, False),
        ("count", 1, 1, True),
        ("count", 4, 4, True),
        ("count", 5, 5, False),
        ("percent", 0, 0.0, False),
        ("percent", 2, 6.7, True),
        ("percent", 5, 10.0, False),
        ("rate", 3, 1.2, True),
        ("rate", 30, 12.0, False),
        ("days", 2, 2.0, False),
        ("score", 1, 1.0, False),
        ("percent", None, None, False),
    ],
)
def test_is_small_number(unit, numerator, value, small) -> None:
    assert is_small_number(unit, numerator, value) is small
