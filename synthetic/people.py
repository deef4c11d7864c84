"""The children: a registry every journey adds to, rendered as ssd_person at the end."""

from __future__ import annotations

import numpy as np

from synthetic.days import NA
from synthetic.draw import choice

# Ages at a first referral (CIN census shape: a bump in infancy, most in 10-15).
AGE_WEIGHTS = np.array([9, 5, 5, 5, 5, 4.5, 4.5, 4.5, 4.5, 4.5, 6, 6, 6, 6.5, 6.5, 6, 5.5, 3.5])

SEX = {"M": 0.505, "F": 0.485, "U": 0.01}

# DfE ethnicity codes, North East shape: mostly White British.
ETHNICITY_LOCAL = {
    "WBRI": 85.5, "WOTH": 2.0, "WIRI": 0.2, "WIRT": 0.4, "WROM": 0.6, "MWBC": 1.2, "MWBA": 0.6, "MWAS": 0.8,
    "MOTH": 1.0, "AIND": 0.4, "APKN": 0.6, "ABAN": 0.4, "AOTH": 0.4, "BAFR": 0.8, "BCRB": 0.1, "BOTH": 0.2,
    "CHNE": 0.2, "OOTH": 0.6, "REFU": 1.0, "NOBT": 3.0,
}
ETHNICITY_UASC = {"AOTH": 30, "BAFR": 35, "OOTH": 20, "MOTH": 5, "WOTH": 10}


class People:
    """Append-only person registry; a person's index is their internal id."""

    def __init__(self) -> None:
        self._parts: list[dict[str, np.ndarray]] = []
        self.count = 0

    def add(self, dob: np.ndarray, sex: np.ndarray, ethnicity: np.ndarray,
            expected_dob: np.ndarray | None = None) -> np.ndarray:
        n = len(dob)
        self._parts.append({
            "dob": np.asarray(dob, dtype="int64"),
            "expected_dob": np.full(n, NA) if expected_dob is None else np.asarray(expected_dob, dtype="int64"),
            "sex": np.asarray(sex, dtype=object),
            "ethnicity": np.asarray(ethnicity, dtype=object),
        })
        ids = np.arange(self.count, self.count + n)
        self.count += n
        return ids

    def columns(self) -> dict[str, np.ndarray]:
        keys = ("dob", "expected_dob", "sex", "ethnicity")
        if not self._parts:
            return {k: np.zeros(0, dtype="int64" if "dob" in k else object) for k in keys}
        return {k: np.concatenate([p[k] for p in self._parts]) for k in keys}

    def dob(self) -> np.ndarray:
        return self.columns()["dob"]


def draw_ages_days(rng: np.random.Generator, n: int, weights: np.ndarray = AGE_WEIGHTS) -> np.ndarray:
    """Ages in days at an event, from per-year weights."""
    years = rng.choice(len(weights), size=n, p=weights / weights.sum())
    return (years * 365.25 + rng.random(n) * 365).astype("int64")


def draw_children(rng: np.random.Generator, people: People, at: np.ndarray, *,
                  weights: np.ndarray = AGE_WEIGHTS, ethnicity: dict[str, float] = ETHNICITY_LOCAL,
                  sex: dict[str, float] = SEX) -> np.ndarray:
    """New children aged 0-17 on the days `at`; returns their person ids."""
    n = len(at)
    dob = at - draw_ages_days(rng, n, weights)
    return people.add(dob, choice(rng, sex, n), choice(rng, ethnicity, n))
