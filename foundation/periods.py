"""Financial quarters (`2024-25Q4`): the one place a date becomes a quarter, a label a quarter, and back.

Q1 = April–June, Q2 = July–September, Q3 = October–December of the first year; Q4 = January–March of
the second year (docs/specs/INDICATORS.md, Conventions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER_LABEL = re.compile(r"(\d{4})-(\d{2})Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    financial_year_start: int  # 2024 for 2024-25
    number: int  # 1..4

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """The financial quarter containing `day`: 15 Jan 2025 → 2024-25Q4."""
        first_year = day.year if day.month >= 4 else day.year - 1
        return cls(first_year, (day.month - 4) % 12 // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.financial_year_start}-{(self.financial_year_start + 1) % 100:02d}Q{self.number}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)  # Q4 → month 13 → January of the second year
        return date(self.financial_year_start + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.financial_year_start + 1, 1)
        return Quarter(self.financial_year_start, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.financial_year_start - 1, 4)
        return Quarter(self.financial_year_start, self.number - 1)


def parse_quarter(label: str) -> Quarter:
    """`2024-25Q4` → Quarter(2024, 4); anything else (including `2024-26Q1`) raises ValueError."""
    match = _QUARTER_LABEL.fullmatch(label or "")
    if match is None:
        raise ValueError(f"period {label!r} is not a financial quarter label like 2024-25Q4")
    first, second, number = int(match[1]), int(match[2]), int(match[3])
    if (first + 1) % 100 != second:
        raise ValueError(f"period {label!r}: {second:02d} does not follow {first} (expected {(first + 1) % 100:02d})")
    return Quarter(first, number)


def previous_quarters(quarter: Quarter, count: int) -> list[Quarter]:
    """The `count` quarters before `quarter`, nearest first: 2024-25Q1 → 2023-24Q4, Q3, Q2, Q1."""
    quarters: list[Quarter] = []
    current = quarter
    for _ in range(count):
        current = current.previous()
        quarters.append(current)
    return quarters


def last_complete_quarter(as_of: date) -> Quarter:
    """The newest financial quarter whose end is on or before `as_of`: 31 Mar 2025 → 2024-25Q4, 30 Mar → Q3."""
    quarter = Quarter.containing(as_of)
    return quarter if quarter.end <= as_of else quarter.previous()


def last_complete_collection_year(day: date) -> str:
    """The statutory collection year (1 April to 31 March, `2024-25`) that ended before `day`: 15 Apr 2025 →
    2024-25; 31 Mar 2025 → 2023-24 (2024-25 ends that day, it is not over yet); 1 Apr 2025 → 2024-25."""
    first = day.year - 1 if day >= date(day.year, 4, 1) else day.year - 2
    return f"{first}-{(first + 1) % 100:02d}"
