"""Internal tables: named columns of numpy arrays, appended in batches, rows numbered in order added.

A row's number is its internal id; foreign keys between internal tables hold these numbers (-1 = none).
Public string ids are given only when the extract is rendered (`extract.py`).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np


class Records:
    def __init__(self) -> None:
        self._parts: dict[str, list[dict[str, np.ndarray]]] = defaultdict(list)
        self._counts: dict[str, int] = defaultdict(int)
        self._cache: dict[str, dict[str, np.ndarray]] = {}

    def add(self, table: str, **columns: np.ndarray) -> np.ndarray:
        """Append rows; returns their internal ids."""
        lengths = {len(np.asarray(v)) for v in columns.values()}
        if len(lengths) != 1:
            raise ValueError(f"{table}: columns of different lengths {sorted(lengths)}")
        n = lengths.pop()
        if n:
            self._parts[table].append({k: np.asarray(v) for k, v in columns.items()})
            self._cache.pop(table, None)
        first = self._counts[table]
        self._counts[table] += n
        return np.arange(first, first + n, dtype="int64")

    def count(self, table: str) -> int:
        return self._counts[table]

    def get(self, table: str) -> dict[str, np.ndarray]:
        if table not in self._cache:
            parts = self._parts.get(table, [])
            if not parts:
                return {}
            self._cache[table] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        return self._cache[table]

    def update(self, table: str, column: str, rows: np.ndarray, values: np.ndarray) -> None:
        """Overwrite some values of a column (e.g. an early help episode cut short by a step-up)."""
        if not len(rows):
            return
        data = self.get(table)
        data[column][rows] = values
        self._parts[table] = [data]
        self._cache[table] = data
