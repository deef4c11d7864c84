"""An authority that loads both its SSD extract and its SSDA903 files (issue 15 point 4): the SSD wins, and the
reconciliation checks warn where the two differ (expectations/cross_checks.py, `SSD_AGAINST_SSDA903`).

The shared demo run (`pipeline`, an SSD authority) is copied; its own 903 export of every year the specification
covers is landed beside the SSD (codes outside the years' lists corrected as in the round-trip test) and loaded
with `csw ingest`, and the staging models (tables) rebuilt: the equal sources give no warning. Then one child's only 2024-25 episode (a child who came into care in 2024-25, was
still looked after at 31 March 2025 and is in no other year's file) is taken out of the year's file and the file
landed again, as a correction: each check warns for 2024-25 alone, one less in the 903 than in the SSD. The SSD's
figures are worked out apart from the checks: CLA_COUNT's value for the year, and the rows of the exported file."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from expectations.cross_checks import SSD_AGAINST_SSDA903, SqlCheckResult, evaluate
from tests.integration.conftest import dbt_build, pipeline_env, run_csw
from tests.integration.test_ssda903_round_trip import YEARS, _correct

YEAR = "2024-25"
YEAR_START = date(2024, 4, 1)
NEW_PLACEMENT = {"S", "P", "T", "B", "U"}  # the RNE codes of a new placement (models/staging/ssda903)
CHILDREN, EPISODES, PLACEMENTS = (c.check_name for c in SSD_AGAINST_SSDA903)


@dataclass
class Reconciled:
    equal: dict[str, SqlCheckResult]  # the SSD and its own 903 export
    altered: dict[str, SqlCheckResult]  # one child's 2024-25 episode taken out of the 903
    file_rows: list[dict[str, str]]  # the 2024-25 episodes file as exported
    cla_count: int  # the SSD's CLA_COUNT for the year 2024-25


def _day(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _entrant(rows: list[dict[str, str]], earlier: list[dict[str, str]]) -> str:
    """A child with one episode in the year's file: came into care in the year (RNE S), still looked after at
    31 March, in a placement, not on a short break, and in no earlier year's file."""
    by_child: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_child.setdefault(row["CHILD"], []).append(row)
    before = {row["CHILD"] for row in earlier}
    return next(child for child, own in sorted(by_child.items())
                if len(own) == 1 and child not in before and own[0]["RNE"] == "S" and not own[0]["DEC"]
                and own[0]["PLACE"] and own[0]["LS"] not in ("V3", "V4"))


def _evaluate(warehouse: Path) -> dict[str, SqlCheckResult]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        results = evaluate(con, SSD_AGAINST_SSDA903)
    assert all(r.error is None and not r.missing for r in results), [(r.error, r.missing) for r in results]
    return {r.check.check_name: r for r in results}


@pytest.fixture(scope="module")
def reconciled(pipeline, tmp_path_factory) -> Reconciled:
    base = tmp_path_factory.mktemp("ssd_and_903")
    env = pipeline_env(base)
    warehouse = Path(env["CSW_WAREHOUSE"])
    warehouse.parent.mkdir(parents=True)
    shutil.copy(pipeline.warehouse, warehouse)  # the SSD authority, loaded and built
    out, landing = base / "export", base / "landing"
    for year in YEARS:
        run_csw(["export", "ssda903", "--year", year, "--out", str(out)], env)
        shutil.copytree(out / "ssda903" / "841" / year, landing / "ssda903" / year,
                        ignore=shutil.ignore_patterns("manifest.json"))
        _correct(landing / "ssda903" / year / "episodes.csv")
    run_csw(["ingest", "--landing", str(landing)], env)
    dbt_build(env, "staging")  # staging models are tables: the checks read them as built
    equal = _evaluate(warehouse)

    episodes = landing / "ssda903" / YEAR / "episodes.csv"
    file_rows = _read(episodes)
    earlier = [row for year in YEARS if year < YEAR for row in _read(landing / "ssda903" / year / "episodes.csv")]
    child = _entrant(file_rows, earlier)
    _write(episodes, [row for row in file_rows if row["CHILD"] != child])
    run_csw(["ingest", "--landing", str(landing)], env)
    dbt_build(env, "staging")  # the year's corrected file replaces it in staging
    altered = _evaluate(warehouse)

    with pipeline.connect() as con:
        [(cla_count,)] = con.execute("select value from marts.fct_indicator_values where indicator_id = 'CLA_COUNT' "
                                     "and period_type = 'year' and period_label = $1", [YEAR]).fetchall()
    return Reconciled(equal, altered, file_rows, int(cla_count))


def _placement_runs(rows: list[dict[str, str]]) -> list[date]:
    """The first day of each placement in the year's file: a child's first row opens one (it may have begun in
    an earlier year), then each RNE of a new placement; a run with no PLACE is no placement."""
    runs: list[tuple[date, bool]] = []
    previous_child = None
    for row in sorted(rows, key=lambda r: (r["CHILD"], _day(r["DECOM"]))):
        if row["CHILD"] != previous_child or row["RNE"] in NEW_PLACEMENT:
            runs.append((_day(row["DECOM"]), False))
        if row["PLACE"]:
            runs[-1] = (runs[-1][0], True)
        previous_child = row["CHILD"]
    return [start for start, placed in runs if placed]


def test_the_ssd_and_its_own_903_export_give_no_warning(reconciled):
    assert {name: (r.failing_rows, r.sample_keys) for name, r in reconciled.equal.items()} == {
        CHILDREN: (0, []), EPISODES: (0, []), PLACEMENTS: (0, [])}


def test_one_childs_episode_missing_from_the_903_is_one_warning_per_measure_for_its_year(reconciled):
    episodes = len(reconciled.file_rows)  # the year's file lists every episode open on a day of the year
    starting = sum(1 for row in reconciled.file_rows if _day(row["DECOM"]) >= YEAR_START)
    placements = _placement_runs(reconciled.file_rows)
    placements_starting = sum(1 for start in placements if start >= YEAR_START)
    n = reconciled.cla_count
    assert {name: (r.failing_rows, r.sample_keys) for name, r in reconciled.altered.items()} == {
        CHILDREN: (1, [f"{YEAR}: SSD {n}, SSDA903 {n - 1}; 1 child only in the SSD, 0 only in the SSDA903"]),
        EPISODES: (1, [f"{YEAR}: SSD {episodes}, SSDA903 {episodes - 1} (starting in the year: SSD {starting}, "
                       f"SSDA903 {starting - 1}); 1 child only in the SSD, 0 only in the SSDA903"]),
        PLACEMENTS: (1, [f"{YEAR}: SSD {len(placements)}, SSDA903 {len(placements) - 1} (starting in the year: "
                         f"SSD {placements_starting}, SSDA903 {placements_starting - 1}); 1 child only in the SSD, "
                         "0 only in the SSDA903"]),
    }
