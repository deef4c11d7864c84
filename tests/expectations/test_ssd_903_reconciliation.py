"""The SSD against the SSDA903 (expectations/cross_checks.py, `SSD_AGAINST_SSDA903`): an authority that loads
both keeps the SSD's figures and is warned, per collection year of the 903 files, where the two differ.

A tiny hand-written staging layer: the SSD's rows in stg_case_system__*, the 903's in stg_ssda903__* (what
dbt builds when an SSD extract was loaded: `with_statutory_sources` adds no 903 row to the SSD models), the
903's collection years in raw.ssda903__episodes and the loads in raw._loads. Every figure below is worked by
hand from the rows. tests/server/test_ssd_903_reconciliation_postgres.py runs the same tests on Postgres."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from expectations import policy, sql_checks
from expectations.cross_checks import RECONCILIATIONS, SSD_AGAINST_SSDA903, evaluate

CHILDREN, EPISODES, PLACEMENTS = (c.check_name for c in SSD_AGAINST_SSDA903)
SOURCES = ("case_system", "ssda903")
TABLES = {
    "raw._loads": "feed varchar, outcome varchar, la_code varchar",
    "raw.ssda903__episodes": "collection_year varchar",
    **{f"staging.stg_{s}__cla_episodes": "cla_episode_id varchar, child_key varchar, start_date date, ceased_date date"
       for s in SOURCES},
    **{f"staging.stg_{s}__legal_statuses": "child_key varchar, legal_status_code varchar, start_date date, "
                                            "end_date date" for s in SOURCES},
    **{f"staging.stg_{s}__cla_placements": "placement_id varchar, child_key varchar, start_date date, end_date date"
       for s in SOURCES},
}
# (id, child, start, end): the years are 2023-24 (1 April 2023 - 31 March 2024) and 2024-25
SSD_EPISODES = [
    ("E1", "K1", "2023-06-01", None),  # looked after at both year ends
    ("E2", "K2", "2024-04-01", "2025-03-31"),  # starts on 2024-25's first day, ceases on its last: not at 31 March
    ("E3", "K3", "2024-10-01", None),  # open at 31 March 2025, on a short break (V3): not counted
    ("E4", "K4", "2023-01-01", "2024-04-01"),  # at 31 March 2024; ceased on 2024-25's first day, so in 2024-25 too
]
# the 903 splits K1's episode at a change of placement, has no K4 and a K5 who came into care on 31 March 2025
SSDA903_EPISODES = [
    ("K1:2023-06-01", "K1", "2023-06-01", "2024-09-01"),
    ("K1:2024-09-01", "K1", "2024-09-01", None),
    ("K2:2024-04-01", "K2", "2024-04-01", "2025-03-31"),
    ("K3:2024-10-01", "K3", "2024-10-01", None),
    ("K5:2025-03-31", "K5", "2025-03-31", None),
]
LEGAL_STATUSES = [("K1", "C2", "2023-06-01", None), ("K3", "V3", "2024-10-01", None)]
SSD_PLACEMENTS = [
    ("P1", "K1", "2023-06-01", None),
    ("P2", "K2", "2024-04-01", "2025-03-31"),
    ("P4", "K4", "2023-01-01", "2024-03-31"),  # ends on 2023-24's last day: not in 2024-25
]
SSDA903_PLACEMENTS = [
    ("K1:2023-06-01", "K1", "2023-06-01", "2024-09-01"),
    ("K1:2024-09-01", "K1", "2024-09-01", None),
    ("K2:2024-04-01", "K2", "2024-04-01", "2025-03-31"),
    ("K4:2023-01-01", "K4", "2023-01-01", "2024-03-31"),
]


def _insert(con, table: str, rows: list[tuple], la_code: str = "841") -> None:
    """Rows of authority `la_code` (the table's `_la_code` in raw, `la_code` in staging)."""
    names = [c.split()[0] for c in TABLES[table].split(",")]
    authority = [] if "la_code" in names else ["_la_code" if table.startswith("raw.") else "la_code"]
    for row in rows:
        markers = ", ".join(f"${n}" for n in range(1, len(names) + len(authority) + 1))
        con.execute(f"insert into {table} ({', '.join(names + authority)}) values ({markers})",
                    [*row, *([la_code] if authority else [])])


def create_tables(con) -> None:
    for schema in ("raw", "staging"):
        con.execute(f"create schema if not exists {schema}")
    for name, columns in TABLES.items():
        authority = "" if "la_code" in columns else (", _la_code varchar" if name.startswith("raw.") else
                                                    ", la_code varchar")
        con.execute(f"create table {name} ({columns}{authority})")


def fill(con, *, ssd_903_equal: bool = False, loaded: tuple[str, ...] = SOURCES) -> None:
    """The rows above; `ssd_903_equal`: the 903 tables hold exactly the SSD's rows."""
    _insert(con, "raw._loads", [(feed, "loaded", "841") for feed in loaded] + [("ssda903", "quarantined", "841")])
    _insert(con, "raw.ssda903__episodes", [("2023-24",), ("2024-25",), ("2024-25",)])  # a row per episode
    _insert(con, "staging.stg_case_system__cla_episodes", SSD_EPISODES)
    _insert(con, "staging.stg_ssda903__cla_episodes", SSD_EPISODES if ssd_903_equal else SSDA903_EPISODES)
    for source in SOURCES:
        _insert(con, f"staging.stg_{source}__legal_statuses", LEGAL_STATUSES)
    _insert(con, "staging.stg_case_system__cla_placements", SSD_PLACEMENTS)
    _insert(con, "staging.stg_ssda903__cla_placements", SSD_PLACEMENTS if ssd_903_equal else SSDA903_PLACEMENTS)


@pytest.fixture
def con():
    con = duckdb.connect()
    create_tables(con)
    yield con
    con.close()


def _results(con) -> dict[str, tuple[int, list[str], tuple[str, ...]]]:
    results = evaluate(con, SSD_AGAINST_SSDA903)
    assert all(r.error is None for r in results), [r.error for r in results]
    return {r.check.check_name: (r.failing_rows, r.sample_keys, r.missing) for r in results}


def test_each_year_that_differs_is_reported_with_both_figures_and_the_children_one_source_lacks(con):
    fill(con)
    assert _results(con) == {
        # 31 March 2024: SSD K1, K4; 903 K1. 31 March 2025: SSD K1 (K2 ceased that day, K3 on a short break);
        # 903 K1 and K5 (came into care that day)
        CHILDREN: (2, ["2023-24: SSD 2, SSDA903 1; 1 child only in the SSD, 0 only in the SSDA903",
                       "2024-25: SSD 1, SSDA903 2; 0 children only in the SSD, 1 only in the SSDA903"], ()),
        # 2023-24: SSD E1, E4 (E1 starting), 903 K1's first; 2024-25: SSD E1, E2, E3, E4 (E2, E3 starting),
        # 903 K1's two, K2, K3, K5 (all but K1's first starting)
        EPISODES: (2, ["2023-24: SSD 2, SSDA903 1 (starting in the year: SSD 1, SSDA903 1); "
                       "1 child only in the SSD, 0 only in the SSDA903",
                       "2024-25: SSD 4, SSDA903 5 (starting in the year: SSD 2, SSDA903 4); "
                       "1 child only in the SSD, 1 only in the SSDA903"], ()),
        # 2023-24 agrees (P1, P4 against K1's first and K4's); 2024-25: SSD P1, P2 (P2 starting), 903 K1's two
        # and K2's (K1's second and K2's starting); the same children, K4's placement ended the day before
        PLACEMENTS: (1, ["2024-25: SSD 2, SSDA903 3 (starting in the year: SSD 1, SSDA903 2); "
                         "0 children only in the SSD, 0 only in the SSDA903"], ()),
    }


def test_each_authority_compares_its_own_sources_and_years(con):
    """A hub: 841's sources differ as above; 840 sends the same ids and keys, its two sources equal, and a 903 year
    of its own (2022-23, which 841 never sent): 840 has nothing to report, and 841's figures are unchanged."""
    fill(con)
    before = _results(con)
    _insert(con, "raw._loads", [("case_system", "loaded", "840"), ("ssda903", "loaded", "840")])
    _insert(con, "raw.ssda903__episodes", [("2022-23",), ("2024-25",)], la_code="840")
    for source in SOURCES:
        _insert(con, f"staging.stg_{source}__cla_episodes", SSD_EPISODES, la_code="840")
        _insert(con, f"staging.stg_{source}__legal_statuses", LEGAL_STATUSES, la_code="840")
        _insert(con, f"staging.stg_{source}__cla_placements", SSD_PLACEMENTS, la_code="840")
    assert _results(con) == before
    by_authority = {r.check.check_name: r.by_authority for r in evaluate(con, SSD_AGAINST_SSDA903)}
    assert by_authority[PLACEMENTS] == {"841": (1, before[PLACEMENTS][1])}
    assert {code for failing in by_authority.values() for code in failing} == {"841"}


def test_equal_sources_give_no_warning(con):
    fill(con, ssd_903_equal=True)
    assert _results(con) == {CHILDREN: (0, [], ()), EPISODES: (0, [], ()), PLACEMENTS: (0, [], ())}


def test_the_same_count_from_different_children_is_a_difference(con):
    fill(con, ssd_903_equal=True)
    con.execute("update staging.stg_ssda903__cla_placements set child_key = 'K9' where placement_id = 'P2'")
    failing_rows, keys, _ = _results(con)[PLACEMENTS]
    assert (failing_rows, keys) == (1, ["2024-25: SSD 2, SSDA903 2 (starting in the year: SSD 1, SSDA903 1); "
                                        "1 child only in the SSD, 1 only in the SSDA903"])


@pytest.mark.parametrize("loaded, absent", [(("case_system",), "ssda903 files"), (("ssda903",), "case_system files")])
def test_silent_unless_both_sources_are_loaded(con, loaded, absent):
    fill(con, loaded=loaded)  # the rows differ, but one source was never loaded (a quarantined file is not a load)
    assert _results(con) == {name: (0, [], (absent,)) for name in (CHILDREN, EPISODES, PLACEMENTS)}


def _shipped_policy() -> policy.Policy:
    """expectations/policy.yml as the run applies it (validated against every check the project runs in
    tests/expectations/test_policy.py; here each entry is only required to match itself, which spares
    building every GX suite)."""
    entries = yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8"))["checks"]
    return policy.load(known=[(e["suite"], e["check"], e.get("declared", e["severity"])) for e in entries])


def test_the_differences_are_warnings_the_team_reads_never_blocking(con):
    fill(con)
    results = policy.apply(con, sql_checks.check_cross_tables(con), _shipped_policy())
    ours = {r.check_name: r for r in results if r.check_name in (CHILDREN, EPISODES, PLACEMENTS)}
    assert {(r.suite, r.severity, r.status, r.observed_value) for r in ours.values()} == {
        ("reconciliation", "warning", "failed", "2 records"), ("reconciliation", "warning", "failed", "1 records")}
    assert ours[PLACEMENTS].message == (
        "The SSD extract and the SSDA903 files differ on the placements open in the year, and those starting in it "
        "in a collection year of the 903 files (the SSD's figures are the ones used): per year, each source's "
        "figure, then the children with a placement in the year only one source has — 1 records, e.g. 2024-25: "
        "SSD 2, SSDA903 3 (starting in the year: SSD 1, SSDA903 2); 0 children only in the SSD, 0 only in the "
        "SSDA903")
    assert all(c in RECONCILIATIONS and c.severity == "warning" for c in SSD_AGAINST_SSDA903)
