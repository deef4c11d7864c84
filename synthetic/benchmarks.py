"""Synthetic benchmarks feed (docs/specs/FEEDS.md): the other authorities of our region's regional returns and one
published file, so the demo can rank our authority among its region's (the North East's 12 for Darlington).

Values are synthetic: each indicator has a typical quarterly figure (`TYPICAL`, close to what the demo
extract of a Darlington-sized authority produces), each authority a fixed leaning per indicator, each
quarter some noise. Counts and rate numerators scale with an authority's 0-17 population (`POPULATION`,
rounded, synthetic). Every other authority whose `SUPPRESSING` flag is set sends small numbers as `c`, as a
published return would. Files use our own return's CSV layout and number format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from synthetic.reference import OTHER_POPULATIONS, REGIONS, authority, region_of
from foundation.periods import Quarter, last_complete_quarter, previous_quarters
from exports.regional.suppression import SUPPRESSED, must_suppress
from exports.regional.write import CSV_COLUMNS, EARLIER_QUARTERS, format_number

# indicator_id: (unit, typical quarterly value, typical denominator at a 23,000-child authority)
TYPICAL: dict[str, tuple[str, float, float | None]] = {
    "REF_RATE": ("rate", 140.0, None),
    "REREF_12M_PCT": ("percent", 16.0, 330.0),
    "ASMT_45WD_PCT": ("percent", 85.0, 300.0),
    "ASMT_RATE": ("rate", 130.0, None),
    "S47_RATE": ("rate", 38.0, None),
    "ICPC_15WD_PCT": ("percent", 78.0, 30.0),
    "CPP_RATE": ("rate", 40.0, None),
    "CPP_SECOND_PCT": ("percent", 18.0, 26.0),
    "CPP_ENDED_2Y_PCT": ("percent", 4.0, 25.0),
    "CIN_RATE": ("rate", 350.0, None),
    "CLA_RATE": ("rate", 115.0, None),
    "CLA_STARTS": ("count", 28.0, None),
    "CLA_3PLUS_PCT": ("percent", 12.0, 270.0),
    "CLA_LTS_PCT": ("percent", 56.0, 90.0),
    "CLA_20MILES_PCT": ("percent", 14.0, 260.0),
    "CLA_UASC_COUNT": ("count", 20.0, None),
    "HLTH_RHA_PCT": ("percent", 93.0, 190.0),
    "HLTH_DENTAL_PCT": ("percent", 88.0, 190.0),
    "VS_ATTENDANCE_PCT": ("percent", 91.0, 23000.0),
    "CL_EET_19_21_PCT": ("percent", 52.0, 130.0),
    "CL_ACCOM_SUITABLE_PCT": ("percent", 82.0, 165.0),
    "CL_INTOUCH_PCT": ("percent", 91.0, 160.0),
    "EH_STARTS": ("count", 135.0, None),
    "CONT_COUNT": ("count", 1050.0, None),
    "WF_VACANCY_PCT": ("percent", 15.0, 64.0),
    "WF_AGENCY_PCT": ("percent", 12.0, 62.0),
    "WF_CASELOAD_AVG": ("ratio", 16.5, 73.0),
}
REFERENCE_POPULATION = 23_000
# Children aged 0-17, rounded (synthetic, of the order of each authority's size).
POPULATION = {
    "841": 23_000, "840": 100_000, "390": 40_000, "805": 21_000, "806": 35_000, "391": 62_000,
    "392": 43_000, "929": 62_000, "807": 27_000, "393": 31_000, "808": 43_000, "394": 56_000,
    **OTHER_POPULATIONS,  # every other English authority (synthetic.reference.ENGLAND)
}
SUPPRESSING = {"805", "807", "393"}  # these authorities send their returns with small numbers suppressed
ENGLAND_CODE = "E92000001"
PUBLISHED_SET = "regional_return"


def returned_quarters(end: date) -> list[Quarter]:
    """The last complete quarter on `end` and the four before it: the quarters one return shows."""
    quarter = last_complete_quarter(end)
    return [quarter, *previous_quarters(quarter, EARLIER_QUARTERS)]


def _figures(unit: str, value: float, typical_denominator: float | None, size: float, population: int):
    """(numerator, denominator, value) consistent with each other, as the authority's warehouse would hold them."""
    if unit == "rate":
        numerator = round(value * population / 10_000)
        return float(numerator), float(population), numerator / population * 10_000
    if unit == "count":
        count = float(round(value * size))
        return count, None, count
    denominator = float(max(1, round((typical_denominator or 100.0) * size)))
    if unit == "percent":
        numerator = float(min(denominator, round(value / 100 * denominator)))
        return numerator, denominator, 100 * numerator / denominator
    numerator = round(value * denominator, 2)  # ratio: e.g. caseload = cases / FTE
    return numerator, denominator, numerator / denominator


def _return_csv(la_code: str, quarter: Quarter, rows: list[tuple[str, str, float | None, float | None, float]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for indicator_id, unit, numerator, denominator, value in rows:
        if la_code in SUPPRESSING and must_suppress(unit, numerator, denominator, value):
            writer.writerow((la_code, quarter.label, indicator_id, "", "", SUPPRESSED))
        else:
            writer.writerow((la_code, quarter.label, indicator_id, format_number(numerator),
                             format_number(denominator), format_number(value)))
    return buffer.getvalue()


def write_benchmarks(out: Path, *, la_code: str, end: date, seed: int,
                     progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write `benchmarks/regional_return_<LA>_<period>.csv` for every other authority of `la_code`'s region and
    the five quarters of a return ending on `end`, and `benchmarks/published_regional_return.csv` (its region's
    and England's figures); return rows written per relative path (same seed, same bytes)."""
    rng = np.random.default_rng([seed, 6])  # its own stream: the extract's draws are unchanged
    folder = Path(out) / "benchmarks"
    folder.mkdir(parents=True, exist_ok=True)
    quarters = returned_quarters(end)
    region = region_of(la_code)
    region_code = REGIONS[authority(la_code).region if authority(la_code) else region[0].region][0]
    others = [a for a in region if a.la_code != la_code]
    leaning = {(a.la_code, i): rng.normal(1.0, 0.12) for a in region for i in TYPICAL}
    england = {i: rng.normal(1.0, 0.06) for i in TYPICAL}
    written: dict[str, int] = {}
    published: list[tuple[str, str, str, str, str]] = []
    for quarter in quarters:
        values: dict[str, list[float]] = {i: [] for i in TYPICAL}
        for member in region:
            population = POPULATION.get(member.la_code, REFERENCE_POPULATION)
            size = population / REFERENCE_POPULATION
            rows = []
            for indicator_id, (unit, typical, typical_denominator) in TYPICAL.items():
                factor = leaning[(member.la_code, indicator_id)] * rng.normal(1.0, 0.05)
                if unit == "percent" and typical > 50:  # lean on the shortfall, so a high percentage stays below 100
                    drawn = float(np.clip(100 - (100 - typical) * factor, 0.0, 100.0))
                else:
                    drawn = float(np.clip(typical * factor, 0.0, 100.0)) if unit == "percent" else typical * factor
                numerator, denominator, value = _figures(unit, drawn, typical_denominator, size, population)
                rows.append((indicator_id, unit, numerator, denominator, value))
                values[indicator_id].append(value)
                if member.la_code != la_code:  # our own figure comes from our warehouse
                    published.append((indicator_id, member.la_code, "LA", quarter.label, format_number(value)))
            if member in others:
                name = f"benchmarks/regional_return_{member.la_code}_{quarter.label}.csv"
                (Path(out) / name).write_bytes(_return_csv(member.la_code, quarter, rows).encode("utf-8"))
                written[name] = len(rows)
                if progress:
                    progress(f"wrote {name} ({len(rows)} rows)")
        for indicator_id, (unit, typical, _) in TYPICAL.items():
            mean = float(np.mean(values[indicator_id]))
            published.append((indicator_id, region_code, "REGION", quarter.label, format_number(mean)))
            if unit != "count":  # England's total of a count is not comparable with one authority's
                national = typical * england[indicator_id]
                published.append((indicator_id, ENGLAND_CODE, "ENGLAND", quarter.label, format_number(national)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("indicator_id", "area_code", "area_type", "period", "value"))
    writer.writerows(published)
    name = f"benchmarks/published_{PUBLISHED_SET}.csv"
    (Path(out) / name).write_bytes(buffer.getvalue().encode("utf-8"))
    written[name] = len(published)
    if progress:
        progress(f"wrote {name} ({len(published)} rows)")
    return written
