"""Recurring events inside spells (visits every few weeks, reviews every few months), vectorised."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthetic.days import WorkingDays

Gaps = Callable[[np.random.Generator, np.ndarray], np.ndarray]  # (rng, rows of the spells needing a gap)


def recurring(rng: np.random.Generator, start: np.ndarray, stop: np.ndarray, first: Gaps, gap: Gaps,
              wd: WorkingDays | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Events from `start` + first gap, then every drawn gap, while before `stop` (exclusive).

    Gaps are in working days when `wd` is given, else calendar days. Returns (row of the spell, day),
    ordered by spell then day.
    """
    start = np.asarray(start, dtype="int64")
    stop = np.asarray(stop, dtype="int64")
    step = (lambda d, g: wd.add(d, g)) if wd is not None else (lambda d, g: d + g)
    current = step(start, first(rng, np.arange(len(start))))
    rows_out: list[np.ndarray] = []
    days_out: list[np.ndarray] = []
    active = np.flatnonzero(current < stop)
    while len(active):
        rows_out.append(active)
        days_out.append(current[active])
        current[active] = step(current[active], gap(rng, active))
        active = active[current[active] < stop[active]]
    if not rows_out:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    rows = np.concatenate(rows_out)
    days = np.concatenate(days_out)
    order = np.lexsort((days, rows))
    return rows[order], days[order]


def mixture(*parts: tuple[float, int, int]) -> Gaps:
    """Gaps drawn uniformly from [low, high] in one of several ranges, each with its weight."""
    weights = np.array([p[0] for p in parts], dtype=float)
    lows = np.array([p[1] for p in parts])
    highs = np.array([p[2] for p in parts])

    def draw(rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        n = len(rows)
        k = rng.choice(len(parts), size=n, p=weights / weights.sum())
        return lows[k] + np.floor(rng.random(n) * (highs[k] - lows[k] + 1)).astype("int64")

    return draw
