"""Reference feed: the North East authorities and a 0-17 population for the generated authority."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.context import Context

POPULATION_0_17 = 23_000  # Darlington-sized, at scale 1
FIRST_POPULATION_YEAR = 2018


@dataclass(frozen=True)
class LocalAuthority:
    la_code: str
    gss_code: str
    name: str
    neighbours: tuple[str, ...]  # synthetic statistical neighbours
    districts: tuple[str, ...]  # postcode districts used for placements near home


NORTH_EAST = (
    LocalAuthority("841", "E06000005", "Darlington", ("805", "807", "808", "840", "806"), ("DL1", "DL2", "DL3")),
    LocalAuthority("840", "E06000047", "County Durham", ("929", "841", "394", "808", "807"), ("DH1", "DL14", "DH7")),
    LocalAuthority("390", "E08000037", "Gateshead", ("393", "392", "394", "391", "840"), ("NE8", "NE9", "NE10")),
    LocalAuthority("805", "E06000001", "Hartlepool", ("806", "807", "393", "808", "394"), ("TS24", "TS25", "TS26")),
    LocalAuthority("806", "E06000002", "Middlesbrough", ("805", "807", "393", "394", "808"), ("TS1", "TS3", "TS5")),
    LocalAuthority("391", "E08000021", "Newcastle upon Tyne", ("390", "394", "393", "392", "806"), ("NE1", "NE4", "NE6")),
    LocalAuthority("392", "E08000022", "North Tyneside", ("390", "929", "841", "808", "393"), ("NE28", "NE29", "NE30")),
    LocalAuthority("929", "E06000057", "Northumberland", ("840", "392", "841", "808", "390"), ("NE46", "NE61", "NE63")),
    LocalAuthority("807", "E06000003", "Redcar and Cleveland", ("805", "806", "808", "393", "841"), ("TS6", "TS10", "TS11")),
    LocalAuthority("393", "E08000023", "South Tyneside", ("394", "390", "805", "806", "807"), ("NE32", "NE33", "NE34")),
    LocalAuthority("808", "E06000004", "Stockton-on-Tees", ("841", "807", "840", "805", "392"), ("TS18", "TS19", "TS20")),
    LocalAuthority("394", "E08000024", "Sunderland", ("393", "390", "806", "805", "840"), ("SR1", "SR4", "SR5")),
)
REGION = "North East"
FAR_DISTRICTS = ("NE1", "TS1", "DH1", "YO1", "LS1", "BD1", "CA1", "HG1", "DN1", "M1", "S1", "HU1", "WF1")


def authority(la_code: str) -> LocalAuthority | None:
    return next((a for a in NORTH_EAST if a.la_code == la_code), None)


def home_districts(la_code: str) -> tuple[str, ...]:
    found = authority(la_code)
    return found.districts if found else ("ZZ1", "ZZ2", "ZZ3")


def local_authorities(la_code: str) -> dict[str, list[str]]:
    rows = [(a.la_code, a.gss_code, a.name, REGION, ";".join(a.neighbours)) for a in NORTH_EAST]
    if authority(la_code) is None:
        rows.append((la_code, "", f"Local authority {la_code}", "Unknown", ""))
    names = ("la_code", "la_gss_code", "la_name", "region", "stat_neighbours")
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


def population(ctx: Context) -> dict[str, list]:
    """Mid-year estimates by single year of age 0-17, the first mid-year before the window to its end."""
    rng = ctx.rng("population")
    first = min(FIRST_POPULATION_YEAR, ctx.request.start.year - 1)
    years = np.arange(first, ctx.request.end.year + 1)
    shape = np.array([0.92, 0.95, 0.97, 0.98, 0.99, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.03, 1.03, 1.02,
                      1.01, 1.0, 0.99, 0.98])
    base = POPULATION_0_17 * ctx.scale * shape / shape.sum()
    trend = 1 + 0.003 * (years - first)
    noise = 1 + 0.01 * rng.standard_normal((len(years), 18))
    counts = np.maximum(np.round(base[None, :] * trend[:, None] * noise), 0).astype(int)
    return {
        "la_code": [ctx.request.la_code] * counts.size,
        "year": np.repeat(years, 18).tolist(),
        "age": np.tile(np.arange(18), len(years)).astype(str).tolist(),
        "population": counts.ravel().tolist(),
    }
