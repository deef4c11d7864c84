"""Seeded synthetic data for the warehouse: a landing folder as a Darlington-sized authority's feeds would
fill it (docs/specs/FEEDS.md), with children following coherent journeys from contact to leaving care.

Same arguments, same bytes. `scale` multiplies volumes and population.

`build` makes the whole landing folder in memory (`Landing`: one frame per file); `generate` writes it.
Anything that should alter an extract before it is written (planting named data quality defects, say)
belongs between the two, with its own random stream from the same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from synthetic.build import Landing, build
from synthetic.context import Request
from synthetic.write import write_frames

__all__ = ["Landing", "Request", "build", "generate"]


def generate(out: Path, *, la_code: str = "841", start: date = date(2019, 4, 1), end: date = date(2025, 3, 31),
             seed: int = 1, scale: float = 1.0, progress: Callable[[str], None] | None = None,
             defects: str | None = None) -> dict[str, int]:
    """Write the docs/specs/FEEDS.md landing layout under `out`; return rows written per relative file path.
    `defects` (`all` or comma-separated names of synthetic.defects.DEFECTS) plants named data quality defects."""
    from synthetic import defects as planted_defects

    chosen = planted_defects.parse(defects)  # an unknown name is refused before any work
    landing = build(Request(la_code=la_code, start=start, end=end, seed=seed, scale=scale))
    for name, record in planted_defects.plant(landing.frames, chosen, seed=seed, extract=end).items():
        if progress:
            defect = planted_defects.DEFECTS[name]
            progress(f"planted defect {name} ({defect.description}) in {record}: caught by {defect.check}")
    return write_frames(Path(out), landing.frames, progress)
