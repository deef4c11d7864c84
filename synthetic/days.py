"""Dates as int64 day numbers (days since 1970-01-01), the way every generator module handles them.

`NA` stands for a blank date (an open end, a step not reached). It compares later than any real date,
so "open" ends behave like +infinity in `min`/`max` and in "open at D" tests.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ingest.core.calendar import bank_holidays

NA = np.int64(1_000_000_000)
_NA_FROM = 500_000_000
_EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    """Day number of a date."""
    return (d - _EPOCH).days


def is_na(days: np.ndarray) -> np.ndarray:
    return days >= _NA_FROM


def censor(days: np.ndarray, last: int) -> np.ndarray:
    """Dates after `last` (the extract date) are not known yet: blank."""
    return np.where(days > last, NA, days)


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6."""
    return (days + 3) % 7


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Calendar months, clamped to month end (31 Mar - 1 month = 28/29 Feb), as docs/specs/INDICATORS.md."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = (d - month.astype("datetime64[D]")).astype("int64")
    target = month + np.asarray(months, dtype="int64")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype("int64")
    return (target.astype("datetime64[D]") + np.minimum(offset, length - 1)).astype("int64")


def birthday(dob: np.ndarray, years: int) -> np.ndarray:
    """The day a child born on `dob` turns `years` (29 Feb birthdays fall on 28 Feb: never late)."""
    out = add_months(np.where(is_na(dob), 0, dob), 12 * years)
    return np.where(is_na(dob), NA, out)


def to_text(days: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD`, blank for NA."""
    days = np.asarray(days, dtype="int64")
    blank = is_na(days)
    text = np.datetime_as_string(np.where(blank, 0, days).astype("datetime64[D]"), unit="D").astype(object)
    text[blank] = ""
    return text


class WorkingDays:
    """Working days (Monday-Friday, not an England and Wales bank holiday) from the `holidays` library."""

    def __init__(self, first_year: int, last_year: int):
        bank = bank_holidays(first_year, last_year)["holiday_date"]  # the indicators' calendar source
        self._calendar = np.busdaycalendar(holidays=np.array(list(bank), dtype="datetime64[D]"))

    def add(self, days: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """The date `n` working days after `days`: exactly n working days d with start < d <= result.

        n = 0 gives the day itself.
        """
        days = np.asarray(days, dtype="int64")
        n = np.broadcast_to(np.asarray(n, dtype="int64"), days.shape)
        blank = is_na(days)
        safe = np.where(blank, 0, days).astype("datetime64[D]")
        moved = np.busday_offset(safe, n, roll="backward", busdaycal=self._calendar).astype("int64")
        return np.where(blank, NA, np.where(n == 0, days, moved))

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days d with start < d <= end (docs/specs/INDICATORS.md); same day = 0."""
        start = np.asarray(start, dtype="int64")
        end = np.asarray(end, dtype="int64")
        return np.busday_count((start + 1).astype("datetime64[D]"), (end + 1).astype("datetime64[D]"),
                               busdaycal=self._calendar)

    def next_working(self, days: np.ndarray) -> np.ndarray:
        """The day itself if a working day, else the next working day."""
        days = np.asarray(days, dtype="int64")
        return np.busday_offset(days.astype("datetime64[D]"), 0, roll="forward",
                                busdaycal=self._calendar).astype("int64")

    def is_working(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(np.asarray(days, dtype="int64").astype("datetime64[D]"), busdaycal=self._calendar)
