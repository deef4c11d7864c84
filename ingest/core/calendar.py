"""England and Wales bank holidays from the maintained `holidays` library, into `raw.calendar__bank_holidays`.

The working-day calendar (dbt model int_calendar) spans the years written here. Nothing is typed by hand.
"""

from __future__ import annotations

from datetime import date

import holidays
import pandas as pd

from foundation.warehouse import Connection, transaction, write_frame

BANK_HOLIDAYS_TABLE = "raw.calendar__bank_holidays"
FIRST_YEAR = 1990


def bank_holidays(first_year: int, last_year: int) -> pd.DataFrame:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    rows = sorted(calendar.items())
    return pd.DataFrame({"holiday_date": [d for d, _ in rows], "holiday_name": [n for _, n in rows]})


def refresh(con: Connection, *, last_year: int | None = None) -> int:
    """Replace the bank holiday table (idempotent): 1990 to ten years after the current year."""
    last_year = last_year or date.today().year + 10
    frame = bank_holidays(FIRST_YEAR, last_year)
    con.execute(f"create table if not exists {BANK_HOLIDAYS_TABLE} (holiday_date date, holiday_name varchar)")
    existing = con.execute(f"select count(*), max(holiday_date) from {BANK_HOLIDAYS_TABLE}").fetchall()[0]
    if existing[0] == len(frame) and existing[1] == frame["holiday_date"].max():
        return existing[0]
    with transaction(con):
        con.execute(f"delete from {BANK_HOLIDAYS_TABLE}")
        write_frame(con, BANK_HOLIDAYS_TABLE, frame, ["holiday_date", "holiday_name"])
    return len(frame)
