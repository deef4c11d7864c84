"""What every generator step shares: the request, its window as day numbers, random streams, calendar."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from synthetic.days import WorkingDays, day

FRONT_DOOR_WARM_UP_YEARS = 6  # journeys are simulated from this long before the window, so stocks are settled
LOOKBACK_DAYS = 365  # events this long before the window are kept (re-referral and visit measures need them)
CARE_HISTORY_YEARS = 18  # children already in care at the window start entered care up to this long before it


@dataclass(frozen=True)
class Request:
    """What `generate` was asked for."""

    la_code: str = "841"
    start: date = date(2019, 4, 1)
    end: date = date(2025, 3, 31)
    seed: int = 1
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")


@dataclass
class Context:
    request: Request
    start: int = field(init=False)  # first day of the window
    end: int = field(init=False)  # extract date: last day anything can happen
    sim_start: int = field(init=False)  # first day of simulated front-door journeys
    care_start: int = field(init=False)  # earliest entry to care simulated
    keep_from: int = field(init=False)  # events from this day on are written (the extract's lookback)
    wd: WorkingDays = field(init=False)

    def __post_init__(self) -> None:
        r = self.request
        self.start = day(r.start)
        self.end = day(r.end)
        self.sim_start = self.start - round(365.25 * FRONT_DOOR_WARM_UP_YEARS)
        self.care_start = self.sim_start - round(365.25 * CARE_HISTORY_YEARS)
        self.keep_from = self.start - LOOKBACK_DAYS
        self.wd = WorkingDays(r.start.year - FRONT_DOOR_WARM_UP_YEARS - CARE_HISTORY_YEARS - 20, r.end.year + 25)

    @property
    def scale(self) -> float:
        return self.request.scale

    def rng(self, stream: str) -> np.random.Generator:
        """An independent generator per named stream: changing one step never reshuffles another."""
        return np.random.default_rng([self.request.seed, zlib.crc32(stream.encode())])

    def years(self, first: int, last: int) -> float:
        return max(last - first + 1, 0) / 365.25
