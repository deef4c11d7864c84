from datetime import date

import pytest

from foundation.periods import Quarter, parse_quarter, previous_quarters


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2024-25Q1", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-25Q2", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-25Q3", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-25Q4", date(2025, 1, 1), date(2025, 3, 31)),
        ("1999-00Q4", date(2000, 1, 1), date(2000, 3, 31)),
    ],
)
def test_quarter_dates(label: str, start: date, end: date) -> None:
    quarter = parse_quarter(label)
    assert (quarter.start, quarter.end, quarter.label) == (start, end, label)


def test_previous_quarters_cross_the_financial_year_boundary() -> None:
    labels = [q.label for q in previous_quarters(parse_quarter("2024-25Q1"), 4)]
    assert labels == ["2023-24Q4", "2023-24Q3", "2023-24Q2", "2023-24Q1"]
    assert [q.label for q in previous_quarters(parse_quarter("2024-25Q4"), 4)] == [
        "2024-25Q3", "2024-25Q2", "2024-25Q1", "2023-24Q4",
    ]


def test_next_and_previous_are_inverse() -> None:
    quarter = Quarter(2023, 4)
    assert quarter.next() == Quarter(2024, 1)
    assert quarter.next().previous() == quarter


@pytest.mark.parametrize("label", ["", "2024-26Q1", "2024-25Q5", "2024-25Q0", "2024Q4", "2024-25q4", "2024-25Q4 ", "2025-01"])
def test_malformed_labels_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        parse_quarter(label)
