"""Annex A as the only case-system source (issue 15, the Annex A part of "Onto the same staging"): the shared demo
run (`pipeline`) exported to its Annex A workbook, the workbook landed alone (`csw run --landing DIR`, a folder
holding nothing else), and every indicator compared with the demo warehouse's on the months and quarters inside
the workbook's six-month window (1 October 2024 to the as-of date, both ends included).

Every indicator the demo computes is in exactly one group below, each with its reason
(docs/statutory/sources.md, "Which indicators Annex A can carry"). The folder holds the workbook and the
reference feed (the authority and its population, which every authority lands whatever its case system), and the
run goes end to end: build, checks and the regional return."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import WITHOUT_DBT_UNIT_TESTS
from tests.integration.conftest import AS_OF, pipeline_env, run_csw

WINDOW_START, WINDOW_END = date(2024, 10, 1), date.fromisoformat(AS_OF)
AT_AS_OF = {("month", "2025-03"), ("quarter", "2024-25Q4")}  # the periods ending on the as-of date

# Equal on every month and quarter inside the window: their events (or the snapshot at the period end) are all in
# the workbook.
EQUAL = {
    "CONT_COUNT": "list 1: every contact in the window",
    "EH_STARTS": "list 2: early help assessments started in the window",
    "REF_COUNT": "list 3: every referral in the window",
    "REF_NFA_PCT": "list 3: Referral NFA?",
    "ASMT_COUNT": "list 4: assessments started, authorised or open in the window",
    "ASMT_45WD_PCT": "list 4: start and authorisation dates",
    "ASMT_AVG_WD": "list 4: start and authorisation dates",
    "ASMT_NFA_PCT": "list 4: requiring support? (its opposite)",
    "S47_COUNT": "list 5: enquiries started in the window",
    "CIN_COUNT": "lists 3 and 6: referrals open at the period end (list 6 lists every episode open in the window)",
    "CPP_COUNT": "list 7: plans open at any time in the window",
    "CPP_STARTS": "list 7: plan start dates",
    "CPP_NEGLECT_PCT": "list 7: initial category of abuse",
    "CPP_ENDED_2Y_PCT": "list 7: start and end dates of plans ended in the window",
    "CLA_COUNT": "list 8: the period of care of every child looked after in the window",
    "CLA_STARTS": "list 8: the date the child started to be looked after",
    "CLA_CEASED": "list 8: the ceased date and reason",
    "ADOPT_COUNT": "list 8: reason ceased E11, E12",
    "SGO_COUNT": "list 8: reason ceased E43, E44",
    "ADOPT_A1_DAYS": "list 10: entered care, placed for adoption (12-month window)",
    "ADOPT_A2_DAYS": "list 10: placement order, matched (12-month window)",
}
# Equal only on the periods ending on the as-of date: the workbook gives each child's state at that date.
AT_AS_OF_ONLY = {
    "CLA_S20_PCT": "list 8 gives the current legal status only: an earlier one is unknown",
    "CLA_FOSTER_PCT": "list 8 gives the most recent placement only: an earlier one is unknown",
    "CLA_RESI_PCT": "list 8 gives the most recent placement only",
    "CLA_LTS_PCT": "list 8 gives the most recent placement only: its start stands for the placement at every date",
    "CL_INTOUCH_PCT": "list 9 gives each young person's latest contact only",
    "CL_ACCOM_SUITABLE_PCT": "list 9 gives each young person's latest contact only",
    "CL_EET_PCT": "list 9 gives each young person's latest contact only",
    "CL_EET_17_18_PCT": "list 9 gives each young person's latest contact only",
    "CL_EET_19_21_PCT": "list 9 gives each young person's latest contact only",
    "CL_PATHWAY_TS_PCT": "list 9 gives each young person's latest contact only",
}
# Rates: the numerator is carried (above) and the denominator is the population of the reference feed.
RATES = {"REF_RATE", "ASMT_RATE", "S47_RATE", "CIN_RATE", "CPP_RATE", "CLA_RATE"}
# Case-system indicators Annex A cannot carry; the test shows each differs on some period of the window.
CANNOT = {
    "REREF_12M_PCT": "needs the child's referrals in the 12 months before, list 3 covers six",
    "ICPC_15WD_PCT": "list 5 lists enquiries started in the window: a conference in it whose enquiry began before "
                     "is missing",
    "S47_TO_ICPC_PCT": "counts enquiries by their end date, which Annex A does not give",
    "CPP_SECOND_PCT": "list 7 gives the number of previous plans, not their dates",
    "CPP_SECOND_2Y_PCT": "list 7 gives the number of previous plans, not their dates",
    "CPP_REVIEW_TS_PCT": "list 7 gives the latest review only and no due date (not wired)",
    "CPP_VISIT_10WD_PCT": "list 7 gives the latest visit only, not whether the child was seen (not wired)",
    "CINP_COUNT": "children in need plans are not in Annex A (list 6 gives a case status at the as-of date)",
    "EH_PROGRESS_PCT": "list 2 gives no reason an episode ended",
    "CLA_3PLUS_PCT": "list 8 gives the number of placements in 12 months, not the placements",
    "CLA_20MILES_PCT": "the placement postcode never leaves raw: no distance",
    "CLA_MISSING_PCT": "list 8 counts missing episodes, without dates",
    "MISSING_EPISODES": "list 8 counts missing episodes, without dates",
    "RHI_OFFERED_PCT": "list 8 gives the last missing episode's answers, without its dates",
    "RHI_ACCEPTED_PCT": "list 8 gives the last missing episode's answers, without its dates",
    "CLA_UASC_COUNT": "list 8 says UASC in the last 12 months, without dates",
    "CLA_PARTICIPATION_PCT": "list 8 gives the latest review only, without participation",
    "CLA_REVIEW_TS_PCT": "list 8 gives the latest review only and no due date",
    "CLA_VISIT_6W_PCT": "list 8 gives the latest visit only, not whether the child was seen (not wired)",
    "HLTH_RHA_PCT": "list 8's latest health assessment date is not wired (the health feed carries assessments)",
    "HLTH_DENTAL_PCT": "list 8's latest dental check date is not wired",
    "HLTH_IHA_20WD_PCT": "initial health assessments: the health feed",
    "HLTH_IMMS_PCT": "immunisations are not in Annex A",
    "SDQ_AVG": "SDQ scores are not in Annex A",
    "SDQ_COMPLETED_PCT": "SDQ scores are not in Annex A",
}
# Indicators of other feeds (education, workforce, partners): not case-system data, not in the folder.
OTHER_FEEDS_PREFIXES = ("VS_", "WF_", "FGC_")


@dataclass
class AnnexARun:
    warehouse: Path
    stdout: str
    returncode: int

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)


@pytest.fixture(scope="module")
def from_annex_a(pipeline, tmp_path_factory) -> AnnexARun:
    base = tmp_path_factory.mktemp("from_annex_a")
    run_csw(["export", "annex-a", "--as-of", AS_OF, "--out", str(base / "export")], pipeline.env)
    landing = base / "landing"
    (landing / "annex_a").mkdir(parents=True)
    shutil.copy(base / "export" / "annex_a" / "841" / AS_OF / f"annex_a_841_{AS_OF}.xlsx", landing / "annex_a")
    shutil.copytree(pipeline.landing / "reference", landing / "reference")
    env = {**pipeline_env(base), **WITHOUT_DBT_UNIT_TESTS}
    result = run_csw(["run", "--landing", str(landing), "--as-of", AS_OF], env, check=False)
    return AnnexARun(Path(env["CSW_WAREHOUSE"]), result.stdout, result.returncode)


def _values(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], tuple]:
    """(indicator, period type, period label) -> (numerator, denominator, value) on the window's periods."""
    return {(i, t, label): (n, d, v) for i, t, label, n, d, v in con.execute(
        "select indicator_id, period_type, period_label, numerator, denominator, value from marts.fct_indicator_values "
        "where la_code = '841' and period_start >= $1 and period_end <= $2",
        [WINDOW_START, WINDOW_END]).fetchall()}


@pytest.fixture(scope="module")
def compared(pipeline, from_annex_a):
    with pipeline.connect() as con:
        ssd = _values(con)
    with from_annex_a.connect() as con:
        annex_a = _values(con)
    return ssd, annex_a


def test_the_workbook_is_the_only_case_system_source_and_fills_the_ssd_shaped_staging(from_annex_a):
    assert from_annex_a.returncode == 0, from_annex_a.stdout[-3000:]  # built, checked and the return written
    assert "dbt build: model:success" in from_annex_a.stdout and "model:error" not in from_annex_a.stdout
    with from_annex_a.connect() as con:
        feeds = dict(con.execute("select feed, count(*) from raw._loads where outcome = 'loaded' group by feed"
                                 ).fetchall())
        staged = {table: con.execute(f"select count(*) from staging.stg_case_system__{table}").fetchone()[0]
                  for table in ("contacts", "referrals", "cp_plans", "cla_episodes")}
        listed = {table: con.execute(f"select count(*) from raw.annex_a__{table}").fetchone()[0]
                  for table in ("list_01_contacts", "list_03_referrals", "list_07_child_protection",
                                "list_08_children_in_care")}
        only_in_list_6 = con.execute(
            "select count(*) from staging.stg_annex_a__list_06_children_in_need as cin where not exists (select 1 "
            "from staging.stg_annex_a__list_03_referrals as ref where ref.child_key = cin.child_key "
            "and ref.referral_date = cin.referral_date)").fetchone()[0]
    assert set(feeds) == {"annex_a", "reference"} and feeds["annex_a"] == 11  # one load row per list
    # one workbook: every listed event is one row (list 8: one period of care per child)
    assert staged["contacts"] == listed["list_01_contacts"] > 1000
    assert staged["referrals"] == listed["list_03_referrals"] + only_in_list_6
    assert staged["cp_plans"] == listed["list_07_child_protection"] > 0
    assert staged["cla_episodes"] == listed["list_08_children_in_care"] > 0


def test_every_indicator_annex_a_carries_has_the_demos_value_on_the_windows_periods(compared):
    ssd, annex_a = compared
    for indicator, why in EQUAL.items():
        keys = sorted(k for k in ssd if k[0] == indicator)
        assert len(keys) == 8, f"{indicator}: {len(keys)} periods in the window"  # six months, two quarters
        differ = [(k, ssd[k], annex_a.get(k)) for k in keys if annex_a.get(k) != ssd[k]]
        assert not differ, f"{indicator} ({why}): {len(differ)} of 8 differ, e.g. {differ[:2]}"


def test_the_as_of_date_state_has_the_demos_value_on_the_periods_ending_then(compared):
    ssd, annex_a = compared
    for indicator, why in AT_AS_OF_ONLY.items():
        keys = [k for k in ssd if k[0] == indicator]
        at_as_of = [k for k in keys if k[1:] in AT_AS_OF]
        assert len(at_as_of) == 2, indicator
        assert all(annex_a.get(k) == ssd[k] for k in at_as_of), f"{indicator} differs at the as-of date ({why})"
        assert any(annex_a.get(k) != ssd[k] for k in keys if k[1:] not in AT_AS_OF), \
            f"{indicator} is carried on every period after all ({why})"


def test_rates_of_the_counts_annex_a_carries_have_the_demos_value(compared):
    ssd, annex_a = compared
    for indicator in RATES:
        keys = [k for k in ssd if k[0] == indicator]
        assert len(keys) == 8 and all(ssd[k][1] for k in keys), indicator  # a population on every period
        assert [annex_a.get(k) for k in keys] == [ssd[k] for k in keys], indicator


def test_the_indicators_annex_a_cannot_carry_do_differ_and_every_indicator_is_listed(compared):
    ssd, annex_a = compared
    for indicator, why in CANNOT.items():
        keys = [k for k in ssd if k[0] == indicator]
        assert keys, f"{indicator}: no value from the demo in the window"
        assert any(annex_a.get(k) != ssd[k] for k in keys), f"{indicator} is carried after all ({why})"
    listed = set(EQUAL) | set(AT_AS_OF_ONLY) | RATES | set(CANNOT)
    assert len(listed) == len(EQUAL) + len(AT_AS_OF_ONLY) + len(RATES) + len(CANNOT)
    unlisted = {k[0] for k in ssd} - listed
    assert unlisted and all(i.startswith(OTHER_FEEDS_PREFIXES) for i in unlisted), sorted(unlisted)
