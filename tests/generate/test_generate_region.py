"""`csw generate --la 841,840`: a regional hub's landing folder, one folder per authority (docs/regional-hub.md),
each authority sized by its own 0-17 population (synthetic.benchmarks.POPULATION: Darlington 23,000, County
Durham 100,000) with its own seed; the same arguments write the same bytes; an unknown code is refused."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from csw.cli import main
from synthetic import authority_scale, authority_seed, generate_region
from synthetic.reference import NORTH_EAST

SCALE, SEED = 0.05, 5
START, END = date(2024, 1, 1), date(2024, 3, 31)
ARGS = ["--start", START.isoformat(), "--end", END.isoformat(), "--seed", str(SEED), "--scale", str(SCALE)]


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("region")
    assert main(["generate", "--out", str(out), "--la", "841,840", *ARGS]) == 0
    return out


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.csv"))}


def test_each_authority_gets_its_own_folder_of_feeds_and_nothing_is_written_flat(region):
    assert sorted(p.name for p in region.iterdir()) == ["840", "841"]
    for la in ("841", "840"):
        assert {p.name for p in (region / la).iterdir()} == {
            "case_system", "education", "health", "partners", "reference", "workforce"}
        assert set(_read(region / la / "reference" / "population.csv")["la_code"]) == {la}
        listed = _read(region / la / "reference" / "local_authorities.csv")["la_code"].tolist()
        assert listed == [a.la_code for a in NORTH_EAST]  # the reference data a hub ingest knows the codes from


def test_each_authority_is_sized_by_its_population(region):
    assert authority_scale("841", SCALE) == pytest.approx(0.05)
    assert authority_scale("840", SCALE) == pytest.approx(0.05 * 100_000 / 23_000)
    totals = {}
    for la in ("841", "840"):
        population = _read(region / la / "reference" / "population.csv")
        first = population[population["year"] == population["year"].min()]
        totals[la] = first["population"].astype(int).sum()
    # 0-17 population at scale 0.05: 23,000 × 0.05 = 1,150 and 100,000 × 0.05 = 5,000 (1 % noise per age)
    assert abs(totals["841"] - 1_150) <= 25 and abs(totals["840"] - 5_000) <= 100
    persons = {la: len(_read(region / la / "case_system" / "ssd_person.csv")) for la in ("841", "840")}
    assert persons["840"] > 3 * persons["841"] > 0  # 4.35 times the children, give or take the draws


def test_same_seed_same_bytes_and_an_authority_does_not_depend_on_its_neighbours(region, tmp_path):
    alone = generate_region(tmp_path, ["841"], start=START, end=END, seed=SEED, scale=SCALE)
    assert all(path.startswith("841/") for path in alone)
    assert _digests(tmp_path / "841") == _digests(region / "841")
    assert _digests(region / "840")["case_system/ssd_person.csv"] != _digests(region / "841")["case_system/ssd_person.csv"]
    assert (authority_seed(1, "841"), authority_seed(1, "840"), authority_seed(2, "841")) == (1841, 1840, 2841)


@pytest.mark.parametrize("codes, reason", [
    ("841,999", "csw: unknown authority code(s) 999; the generator knows England's 153 DfE LA codes "
                "(synthetic/reference.py), e.g. 841 (Darlington), 330 (Birmingham), 202 (Camden)\n"),
    ("841,840,841", "csw: authority code(s) 841 given more than once\n"),
])
def test_an_unknown_or_repeated_code_is_refused_before_anything_is_written(tmp_path, capsys, codes, reason):
    assert main(["generate", "--out", str(tmp_path / "out"), "--la", codes, *ARGS]) == 1
    assert capsys.readouterr().err == reason
    assert not (tmp_path / "out").exists()


# --- the nation: England's 153 authorities (synthetic/reference.py ENGLAND) ------------------------------------


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four authorities of four other regions at a tiny scale, with their benchmarks: Birmingham (the largest
    city), Camden, the Isles of Scilly (the smallest: a handful of children) and Westmorland and Furness (2023)."""
    out = tmp_path_factory.mktemp("nation")
    generate_region(out, ["330", "202", "420", "943"], start=START, end=END, seed=SEED, scale=0.01, benchmarks=True)
    return out


def test_england_has_its_153_authorities_each_once_in_nine_regions():
    from bench.stages import authorities
    from synthetic.reference import ENGLAND, REGIONS

    assert len(ENGLAND) == len({a.la_code for a in ENGLAND}) == len({a.gss_code for a in ENGLAND}) == 153
    assert {a.region for a in ENGLAND} == set(REGIONS)
    assert sum(a.region == "London" for a in ENGLAND) == 33
    assert authorities(13)[:2] == ["841", "840"] and authorities(13)[12] == "889"  # after the North East's 12


def test_an_authority_of_another_region_lists_its_region_and_is_sized_by_its_population(nation):
    expected = {"330": ("West Midlands", 14, 290_000), "202": ("London", 33, 40_000),
                "420": ("South West", 15, 400), "943": ("North West", 24, 38_000)}
    for la, (region, members, population) in expected.items():
        listed = _read(nation / la / "reference" / "local_authorities.csv")
        assert set(listed["region"]) == {region} and len(listed) == members and la in set(listed["la_code"])
        counts = _read(nation / la / "reference" / "population.csv")
        first = counts[counts["year"] == counts["year"].min()]["population"].astype(int).sum()
        # 1 % noise per age, and each of the 18 ages rounded (the Isles of Scilly's 4 children: 0.22 an age, 0 each)
        assert abs(first - population * 0.01) <= population * 0.01 * 0.02 + 18 * 0.5
        assert len(_read(nation / la / "case_system" / "ssd_person.csv")) > 0
    birmingham = _read(nation / "330" / "reference" / "local_authorities.csv").set_index("la_code")
    assert birmingham.loc["330", "la_gss_code"] == "E08000025"
    assert birmingham.loc["330", "stat_neighbours"] == "331;332;884;333;893"  # the next five of its region


def test_an_authority_of_another_region_benchmarks_against_its_region(nation):
    files = sorted(p.name for p in (nation / "420" / "benchmarks").iterdir())
    assert len(files) == 14 * 5 + 1  # every other South West authority's return for five quarters, one published
    assert "regional_return_801_2023-24Q4.csv" in files and not any("_841_" in name for name in files)
    published = _read(nation / "420" / "benchmarks" / "published_regional_return.csv")
    assert set(published[published["area_type"] == "REGION"]["area_code"]) == {"E12000009"}
    assert "420" not in set(published["area_code"])  # our own figure comes from our warehouse
