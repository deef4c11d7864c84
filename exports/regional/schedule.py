"""When the regional return is due: the 10th working day after each financial quarter ends.

`QuarterlyReturnTimetable` is an Airflow timetable (registered by the `csw` plugin, `csw/plugin.py`):
each run's data interval is the quarter itself (`[quarter start, next quarter start)`, UTC), so its
logical date is the quarter's first day and `airflow backfill create --from-date 2024-04-01 --to-date
2025-01-01` re-runs 2024-25Q1…Q4; it runs after `RUN_AT` on the due day. Working days skip weekends and
the England and Wales bank holidays of the `holidays` library, read through the same function as the
indicators' working-day calendar (`ingest.core.calendar.bank_holidays`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, Timetable

from foundation.periods import Quarter

WORKING_DAY = 10
RUN_AT = time(6, 0)  # UTC, before the working day starts


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    from ingest.core.calendar import bank_holidays  # pandas: only when a date is computed

    return frozenset(bank_holidays(year, year)["holiday_date"])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_day_after(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself not counted)."""
    found = 0
    while found < count:
        day += timedelta(days=1)
        found += is_working_day(day)
    return day


def due_date(quarter: Quarter, working_day: int = WORKING_DAY) -> date:
    """The day the quarter's return is due: 2024-25Q4 (ends Mon 31 March 2025) → Mon 14 April 2025."""
    return working_day_after(quarter.end, working_day)


def _utc(day: date, at: time = time(0, 0)) -> pendulum.DateTime:
    return pendulum.instance(datetime.combine(day, at), tz="UTC")


class QuarterlyReturnTimetable(Timetable):
    """One run per financial quarter, due on its `working_day`-th working day after the quarter ends."""

    def __init__(self, working_day: int = WORKING_DAY, run_at: time = RUN_AT) -> None:
        self.working_day = working_day
        self.run_at = run_at
        self.description = f"{working_day}th working day after each financial quarter, {run_at:%H:%M} UTC"

    @property
    def summary(self) -> str:
        return f"quarterly, working day {self.working_day}"

    def run_info(self, quarter: Quarter) -> DagRunInfo:
        return DagRunInfo(
            run_after=_utc(due_date(quarter, self.working_day), self.run_at),
            data_interval=DataInterval(_utc(quarter.start), _utc(quarter.next().start)),
        )

    def latest_due(self, moment: datetime) -> Quarter:
        """The newest quarter whose return was due at or before `moment`."""
        quarter = Quarter.containing(moment.date()).previous()
        while self.run_info(quarter).run_after > moment:
            quarter = quarter.previous()
        return quarter

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        """A manual run at a quarter's first day, midnight UTC (its scheduled logical date, as `airflow dags
        test export__regional_return 2025-01-01` passes it) is for that quarter; at any other moment, for the
        newest quarter complete by then."""
        quarter = Quarter.containing(run_after.date())
        if run_after != _utc(quarter.start):
            quarter = quarter.previous()
        return self.run_info(quarter).data_interval  # type: ignore[return-value]

    def next_dagrun_info(self, *, last_automated_data_interval: DataInterval | None, restriction) -> DagRunInfo | None:
        if last_automated_data_interval is not None:
            quarter = Quarter.containing(last_automated_data_interval.start.date()).next()
        elif restriction.earliest is None:
            return None  # no start_date: never scheduled automatically
        else:
            quarter = Quarter.containing(restriction.earliest.date())
            if _utc(quarter.start) < restriction.earliest:
                quarter = quarter.next()  # a run's logical date (its quarter's first day) is never before start_date
            if not restriction.catchup:
                # Without catchup, start at the newest quarter already due (as cron timetables run the latest interval).
                quarter = max(quarter, self.latest_due(pendulum.now("UTC")))
        info = self.run_info(quarter)
        if restriction.latest is not None and info.logical_date > restriction.latest:
            return None
        return info

    def serialize(self) -> dict[str, Any]:
        return {"working_day": self.working_day, "run_at": self.run_at.isoformat()}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> QuarterlyReturnTimetable:
        return cls(working_day=int(data["working_day"]), run_at=time.fromisoformat(data["run_at"]))
