"""Small vectorised sampling helpers over numpy's Generator."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def choice(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> np.ndarray:
    """`n` codes drawn with the given relative weights (an object array of str)."""
    codes = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return codes[rng.choice(len(codes), size=n, p=p / p.sum())]


def chance(rng: np.random.Generator, p: float | np.ndarray, n: int) -> np.ndarray:
    """Booleans, each true with probability p."""
    return rng.random(n) < p


def flag(yes: np.ndarray) -> np.ndarray:
    return np.where(yes, "Y", "N").astype(object)


def lognormal_days(rng: np.random.Generator, median: float, sigma: float, n: int, low: int = 1) -> np.ndarray:
    return np.maximum(np.round(median * np.exp(sigma * rng.standard_normal(n))), low).astype("int64")


def geometric_days(rng: np.random.Generator, p_same_day: float, mean_later: float, n: int) -> np.ndarray:
    """0 with probability p_same_day, else 1 + an exponential delay with the given mean."""
    later = 1 + np.floor(rng.exponential(max(mean_later - 1, 0.01), n)).astype("int64")
    return np.where(rng.random(n) < p_same_day, 0, later)


def uniform_days(rng: np.random.Generator, low: int | np.ndarray, high: int | np.ndarray, n: int) -> np.ndarray:
    """Integers in [low, high] inclusive (array bounds allowed; high < low gives low)."""
    low = np.asarray(low, dtype="int64")
    high = np.maximum(np.asarray(high, dtype="int64"), low)
    return (low + np.floor(rng.random(n) * (high - low + 1))).astype("int64")
