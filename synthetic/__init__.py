"""Seeded synthetic data for the warehouse: a landing folder as a Darlington-sized authority's feeds would
fill it (docs/specs/FEEDS.md), with children following coherent journeys from contact to leaving care.

Same arguments, same bytes. `scale` multiplies volumes and population.

`generate_region` writes several authorities, one folder each (`<out>/<la_code>/<feed>/…`, docs/regional-hub.md),
each sized by its own 0-17 population (`synthetic.benchmarks.POPULATION`) with its own random streams.

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

__all__ = ["Landing", "Request", "authority_scale", "authority_seed", "build", "generate", "generate_region",
           "parse_authorities"]


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


class UnknownAuthority(ValueError):
    """A `--la` code the generator's reference data (synthetic.reference.ENGLAND) does not hold."""


def parse_authorities(codes: str) -> list[str]:
    """`841,840,805` → the codes, in the order given, each once; an unknown or repeated code is refused."""
    from synthetic.reference import ENGLAND

    items = [c.strip() for c in codes.split(",") if c.strip()]
    known = {a.la_code for a in ENGLAND}
    unknown = [c for c in items if c not in known]
    if unknown or not items:
        raise UnknownAuthority(f"unknown authority code(s) {', '.join(unknown) or repr(codes)}; the generator knows "
                               f"England's {len(known)} DfE LA codes (synthetic/reference.py), e.g. 841 (Darlington), "
                               "330 (Birmingham), 202 (Camden)")
    repeated = sorted({c for c in items if items.count(c) > 1})
    if repeated:
        raise UnknownAuthority(f"authority code(s) {', '.join(repeated)} given more than once")
    return items


def authority_scale(la_code: str, scale: float) -> float:
    """An authority's volumes against the Darlington-sized default: its 0-17 population over 23,000, times `scale`."""
    from synthetic.benchmarks import POPULATION, REFERENCE_POPULATION

    return scale * POPULATION[la_code] / REFERENCE_POPULATION


def authority_seed(seed: int, la_code: str) -> int:
    """Each authority's own seed, so two authorities never share random draws: `seed * 1000 + la_code`."""
    return seed * 1000 + int(la_code)


def generate_region(out: Path, la_codes: list[str], *, start: date = date(2019, 4, 1), end: date = date(2025, 3, 31),
                    seed: int = 1, scale: float = 1.0, progress: Callable[[str], None] | None = None,
                    defects: str | None = None, benchmarks: bool = False) -> dict[str, int]:
    """Write each authority's landing folder under `out/<la_code>/` (`generate` with `authority_scale` and
    `authority_seed`; with `benchmarks`, its benchmarks feed too); return rows written per path relative to `out`."""
    from synthetic import defects as planted_defects
    from synthetic.benchmarks import write_benchmarks

    planted_defects.parse(defects)  # an unknown name is refused before any work
    written: dict[str, int] = {}
    for la_code in la_codes:
        folder = Path(out) / la_code
        own_seed = authority_seed(seed, la_code)
        said = None if progress is None else (lambda line, la=la_code: progress(f"{line} [{la}]"))
        files = generate(folder, la_code=la_code, start=start, end=end, seed=own_seed,
                         scale=authority_scale(la_code, scale), progress=said, defects=defects)
        if benchmarks:
            files.update(write_benchmarks(folder, la_code=la_code, end=end, seed=own_seed, progress=said))
        written.update({f"{la_code}/{path}": rows for path, rows in files.items()})
    return written
