"""The return's rows: one per indicator of the regional return set, with notes and small-number suppression.

Pure functions over what `read` returned; the workbook and the CSV are both written from these rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from exports.regional.read import Indicator, IndicatorValue
from exports.regional.suppression import SUPPRESSED, Suppression, must_suppress

NOTE_DENOMINATOR_ZERO = "denominator is zero"
NOTE_NO_DATA = "no data for this quarter"
NOTE_SUPPRESSED = "suppressed (small number)"

Figure = float | Literal["c"] | None  # a value as published: a number, the suppression marker, or none


@dataclass(frozen=True)
class ReturnRow:
    indicator: Indicator
    figures: tuple[Figure, ...]  # this quarter first, then the earlier quarters, nearest first
    numerator: Figure  # this quarter; `c` when suppressed
    denominator: Figure  # this quarter; `c` when suppressed (and None when the indicator has none)
    note: str | None  # why this quarter's value is missing or suppressed

    @property
    def value(self) -> Figure:
        return self.figures[0]

    @property
    def is_suppressed(self) -> bool:
        return self.value == SUPPRESSED


def build_rows(
    indicators: Sequence[Indicator],
    values: Sequence[IndicatorValue],
    period_labels: Sequence[str],
    *,
    suppression: Suppression,
) -> list[ReturnRow]:
    """One row per indicator, in the given order; figures for every label of `period_labels`.

    With suppression on, each quarter's value is `c` when `must_suppress` says so, and so are this
    quarter's numerator and denominator (exports.regional.suppression gives the rule and why it suffices).
    """
    by_key = {(v.indicator_id, v.period_label): v for v in values}
    rows: list[ReturnRow] = []
    for indicator in indicators:
        figures = tuple(
            _figure(indicator.unit, by_key.get((indicator.indicator_id, label)), suppression)
            for label in period_labels
        )
        current = by_key.get((indicator.indicator_id, period_labels[0]))
        if figures[0] == SUPPRESSED:
            assert current is not None  # only a stored figure is suppressed
            numerator, denominator = (None if x is None else SUPPRESSED for x in (current.numerator, current.denominator))
            rows.append(ReturnRow(indicator, figures, numerator, denominator, NOTE_SUPPRESSED))
            continue
        rows.append(
            ReturnRow(
                indicator,
                figures,
                _number(current.numerator) if current else None,
                _number(current.denominator) if current else None,
                _note(current, figures[0]),
            )
        )
    return rows


def _figure(unit: str, row: IndicatorValue | None, suppression: Suppression) -> Figure:
    if row is None:
        return None
    value, numerator, denominator = _number(row.value), _number(row.numerator), _number(row.denominator)
    if suppression.on and must_suppress(unit, numerator, denominator, value):
        return SUPPRESSED
    return value


def _note(row: IndicatorValue | None, value: Figure) -> str | None:
    if value is not None:
        return None
    if row is not None and _number(row.denominator) == 0:
        return NOTE_DENOMINATOR_ZERO
    return NOTE_NO_DATA


def _number(value: float | None) -> float | None:
    """A stored number as a float; NaN and infinities (which no indicator should produce) become None."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
