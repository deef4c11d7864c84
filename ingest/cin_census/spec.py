"""A CIN census collection year as data: `years/<year>.yaml` (element names, their order, code sets, dates).

The one definition both sides read: the census reader on the ingest floor (`ingest/cin_census/read.py`) and the
XML writer on the exports floor (`exports/statutory/cin/`). Adding a year is adding its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date
from pathlib import Path

import yaml


YEARS_DIR = Path(__file__).parent / "years"
_KEYS = ("year", "collection", "header_year", "period_start", "reference_date", "validator_ruleset", "booleans",
         "sex", "lists", "order", "codes")


class UnknownCensusYear(ValueError):
    """No year file for the collection year asked for; the message is the one-line reason."""


@dataclass(frozen=True)
class CensusYear:
    year: str  # "2024-25"
    collection: str  # <Collection>
    header_year: str  # <Year>
    period_start: date  # 1 April: the first day of the collection year
    reference_date: date  # <ReferenceDate>, 31 March: the last day
    validator_ruleset: str  # Data to Insight's ruleset name for the year (cin_validator.rules.<name>)
    true: str
    false: str
    sex_element: str  # <Sex> from 2024-25, <GenderCurrent> before
    sex_codes: dict[str, str]  # SSD pers_sex code -> the year's census code
    lists: dict[str, str]  # wrapper element -> the simple element it repeats
    order: dict[str, tuple[str, ...]]  # group element -> its children in the specification's order
    codes: dict[str, tuple[str, ...]]  # simple element -> the codes the year accepts (the sex element's too)

    def flag(self, value: bool) -> str:
        return self.true if value else self.false


def available_years() -> list[str]:
    return sorted(p.stem for p in YEARS_DIR.glob("*.yaml"))


@cache
def load_year(year: str) -> CensusYear:
    """The specification of collection year `year` (e.g. "2024-25"), or UnknownCensusYear naming the years we have."""
    path = YEARS_DIR / f"{year}.yaml"
    if not path.is_file() or path.parent != YEARS_DIR:
        raise UnknownCensusYear(f"no CIN census specification for year {year!r}: have {', '.join(available_years())}")
    return parse_year(yaml.safe_load(path.read_text(encoding="utf-8")), source=path.name)


def year_of_header(header_year: str) -> CensusYear:
    """The collection year whose <Year> is `header_year` (e.g. "2025" -> 2024-25), or UnknownCensusYear."""
    for year in available_years():
        spec = load_year(year)
        if spec.header_year == header_year:
            return spec
    have = ", ".join(f"{load_year(y).header_year} ({y})" for y in available_years())
    raise UnknownCensusYear(f"no CIN census specification for <Year> {header_year!r}: have {have}")


def parse_year(document: dict, *, source: str) -> CensusYear:
    missing = [k for k in _KEYS if k not in (document or {})]
    if missing:
        raise ValueError(f"{source}: missing {', '.join(missing)}")
    order = {group: tuple(children) for group, children in document["order"].items()}
    sex = document["sex"]
    if sex["element"] not in order.get("ChildIdentifiers", ()):
        raise ValueError(f"{source}: sex element {sex['element']} is not in order.ChildIdentifiers")
    for wrapper in document["lists"]:
        if not any(wrapper in children for children in order.values()):
            raise ValueError(f"{source}: list {wrapper} is placed in no group of order")
    year = CensusYear(
        year=str(document["year"]),
        collection=str(document["collection"]),
        header_year=str(document["header_year"]),
        period_start=_date(document["period_start"], "period_start", source),
        reference_date=_date(document["reference_date"], "reference_date", source),
        validator_ruleset=str(document["validator_ruleset"]),
        true=str(document["booleans"][True]),
        false=str(document["booleans"][False]),
        sex_element=str(sex["element"]),
        sex_codes={str(k): str(v) for k, v in sex["codes"].items()},
        lists={str(k): str(v) for k, v in document["lists"].items()},
        order=order,
        codes={str(k): tuple(str(c) for c in v) for k, v in document["codes"].items()}
        | {str(sex["element"]): tuple(dict.fromkeys(str(v) for v in sex["codes"].values()))},
    )
    if year.period_start >= year.reference_date:
        raise ValueError(f"{source}: period_start {year.period_start} is not before reference_date")
    return year


def _date(value, key: str, source: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{source}: {key} is not a date: {value!r}") from None
