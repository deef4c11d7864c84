"""Small-number suppression of the regional return: on unless turned off, with a recorded reason, for a
data sharing agreement.

Primary rule (DfE's): a count of 1 to 4 is shown as `c`, and so is every figure built on one.
Secondary rule: a figure is suppressed together with the figures it can be derived from, and vice versa.
In the return (and its CSV) the only figures that determine one another are, for one indicator and one
quarter, the value, its numerator and its denominator (value = numerator / denominator × scale; for a
percentage or rate the numerator is part of the denominator, so denominator − numerator is a count too).
Hence, per indicator and quarter, the value, numerator and denominator are all `c` when any of these is
1–4 (strictly between 0 and 5, so fractional counts such as FTE count too):

- count: the count itself;
- percent, rate: the numerator, the denominator, or the rest (denominator − numerator), e.g. 30 of 33
  in touch is suppressed because it shows the 3 not in touch;
- ratio and any other unit: the numerator or the denominator;
- days, score (an average): the denominator, the children averaged over (the numerator is a total of
  days or scores, not a count of children).

Zero is shown (0 of 8 is 0%; the complement 8 is not small). The return has no breakdown rows and no
totals, so no figure is the sum of others; a denominator shared by two indicators (the population of the
rates, the children looked after at the quarter's end) may show on another row, but a suppressed row hides
its value and numerator as well, so the shared denominator alone reveals nothing. Earlier quarters follow
the same rule with their own numerator and denominator, so a figure suppressed in its own quarter's return
stays suppressed in the later returns that repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exports.errors import ExportRefused

SUPPRESSED = "c"  # DfE's marker for a suppressed small number
RULE = (
    "counts 1-4, and the value, numerator and denominator of any figure built on one (or whose "
    "denominator minus numerator is 1-4), shown as c"
)
SETTINGS_HINT = "CSW_SUPPRESSION=off with CSW_SUPPRESSION_OFF_REASON, or --no-suppress --reason"
_PART_OF_WHOLE = ("percent", "rate")  # the numerator counts some of the denominator
_AVERAGES = ("days", "score")  # the numerator is a total of measurements, the denominator a count


@dataclass(frozen=True)
class Suppression:
    """On by default; off only with the reason (e.g. the data sharing agreement) printed on the cover sheet."""

    on: bool = True
    off_reason: str | None = None

    def __post_init__(self) -> None:
        if not self.on and not (self.off_reason or "").strip():
            raise ExportRefused(
                "small-number suppression can be turned off only with a recorded reason "
                f"(e.g. the data sharing agreement): {SETTINGS_HINT}"
            )

    @classmethod
    def off(cls, reason: str | None) -> Suppression:
        return cls(on=False, off_reason=(reason or "").strip() or None)

    @classmethod
    def from_setting(cls, setting: str, reason: str | None) -> Suppression:
        """`CSW_SUPPRESSION` (`on` | `off`, blank = on) with `CSW_SUPPRESSION_OFF_REASON`."""
        value = (setting or "on").strip().lower()
        if value not in ("on", "off"):
            raise ExportRefused(f"CSW_SUPPRESSION={setting!r}: expected on or off")
        return cls() if value == "on" else cls.off(reason)

    @property
    def description(self) -> str:
        """One line for the cover sheet and the email: what the reader of the figures must know."""
        return f"on: {RULE}" if self.on else f"OFF, small numbers shown: {self.off_reason}"


def is_small(number: float | None) -> bool:
    """A count of 1 to 4 (zero is shown; a fractional count below 5, such as 2.5 FTE, is small too)."""
    return number is not None and 0 < number < 5


def must_suppress(unit: str, numerator: float | None, denominator: float | None, value: float | None) -> bool:
    """Whether one indicator's figure for one quarter (value, numerator and denominator) is shown as `c`."""
    unit = unit.lower()
    if unit == "count":
        return is_small(value if value is not None else numerator)
    if unit in _AVERAGES:
        return is_small(denominator)
    counts = [numerator, denominator]
    if unit in _PART_OF_WHOLE and numerator is not None and denominator is not None:
        counts.append(denominator - numerator)
    return any(is_small(c) for c in counts)
