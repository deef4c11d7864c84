"""Checks in a hub's warehouse (docs/regional-hub.md): a case-system id repeats legitimately across authorities,
so a raw table's key is unique within each authority (`_la_code`), a staging record's parent is looked up in its
own authority (`la_code`), and a failure names the authority of its rows."""

from __future__ import annotations

import duckdb

from expectations import run_checks
from expectations.cross_checks import RELATIONSHIPS, evaluate
from tests.expectations.conftest import REFERRALS

CIN = "case_system__ssd_cin_episodes"
KEY_CHECK = "expect_column_values_to_be_unique(cine_referral_id)"


def _from(authority: str, rows: list[dict]) -> list[dict]:
    return [dict(row, _la_code=authority) for row in rows]


def test_a_raw_key_repeats_across_authorities_but_not_within_one(warehouse, add_rows, as_of):
    add_rows(CIN, _from("841", REFERRALS) + _from("840", REFERRALS))  # R001-R003 in both: one batch, current
    run = run_checks(warehouse, as_of=as_of)
    assert [f for f in run.failures if f.check_name == KEY_CHECK] == []

    # rows 1-3 are 841's, rows 4-5 840's: R002 twice in 840 (rows 4 and 5), once in 841 (row 2)
    add_rows(CIN, _from("841", REFERRALS) + _from("840", REFERRALS[1:2] * 2), batch_id=3)
    run = run_checks(warehouse, as_of=as_of)
    [failure] = [f for f in run.failures if f.check_name == KEY_CHECK]  # the name the policy knows, unchanged
    assert failure.severity == "blocking" and failure.failing_rows == 2
    assert failure.message == (
        "raw.case_system__ssd_cin_episodes: 2 rows have the same cine_referral_id as another row of the same "
        "authority (authority 840; key R002; file ssd_cin_episodes.csv, rows 4, 5)"
    )


ASSESSMENTS_HAVE_REFERRALS = next(c for c in RELATIONSHIPS if c.check_name == "assessments_have_their_referral_id")


def _staging(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists staging")
    con.execute("create table staging.stg_case_system__referrals (referral_id varchar, la_code varchar)")
    con.execute("create table staging.stg_case_system__assessments (assessment_id varchar, referral_id varchar, "
                "la_code varchar)")


def test_a_staging_record_finds_its_parent_in_its_own_authority_only():
    con = duckdb.connect()
    _staging(con)
    con.execute("insert into staging.stg_case_system__referrals values ('R1', '841'), ('R2', '840')")
    # A2 of 840 names R1, which only 841 has: an orphan in 840, whatever 841 holds
    con.execute("insert into staging.stg_case_system__assessments values ('A1', 'R1', '841'), ('A2', 'R1', '840'), "
                "('A3', 'R2', '840')")
    [result] = evaluate(con, (ASSESSMENTS_HAVE_REFERRALS,))
    assert (result.failing_rows, result.sample_keys, result.error) == (1, ["840/A2"], None)
    assert result.by_authority == {"840": (1, ["840/A2"])}


# --- a gate per authority: each failure carries the authority whose rows fail it ------------------------------

NOT_NULL = "expect_column_values_to_not_be_null(cine_referral_date)"


def _stored(con, run_id: str, check_name: str) -> list[tuple]:
    return con.execute("select la_code, status, failing_rows, observed_value from dq.check_results "
                       "where run_id = $1 and check_name = $2 order by la_code nulls first",
                       [run_id, check_name]).fetchall()


def test_a_failure_in_one_authoritys_rows_holds_back_that_authority_only(warehouse, add_rows, as_of):
    blank = [dict(REFERRALS[1], cine_referral_date=None)]
    # 841 rows 1-3 clean; 840 rows 4-6, R002 without its referral date
    add_rows(CIN, _from("841", REFERRALS) + _from("840", [REFERRALS[0], *blank, REFERRALS[2]]), batch_id=3)
    run = run_checks(warehouse, as_of=as_of)
    [failure] = [f for f in run.failures if f.check_name == NOT_NULL]
    assert (failure.la_code, failure.failing_rows) == ("840", 1)
    assert failure.message == ("raw.case_system__ssd_cin_episodes: 1 row has a blank cine_referral_date "
                               "(authority 840; file ssd_cin_episodes.csv, row 5)")
    # each authority's own result, counted on its own rows
    assert _stored(warehouse, run.run_id, NOT_NULL) == [("840", "failed", 1, "1 of 3 rows"),
                                                        ("841", "passed", 0, "0 of 3 rows")]
    assert run.held_back(["840", "841"]) == {"840": [failure]}
    assert run.blocking_failures == 1 and not run.passed


def test_failures_in_two_authorities_are_two_and_a_table_about_authorities_holds_back_every_one(
        warehouse, add_rows, rows, as_of):
    blank = dict(REFERRALS[1], cine_referral_date=None)
    add_rows(CIN, _from("841", [blank, REFERRALS[2]]) + _from("840", [REFERRALS[0], blank, blank]), batch_id=3)
    run = run_checks(warehouse, as_of=as_of)
    # 840's two blank dates are also two R002s of one authority: a key failure of 840's alone
    assert [(f.check_name, f.la_code, f.failing_rows) for f in run.failures if f.severity == "blocking"] == [
        ("expect_column_values_to_be_unique(cine_referral_id)", "840", 2),
        (NOT_NULL, "840", 2), (NOT_NULL, "841", 1)]
    assert sorted(run.held_back(["805", "840", "841"])) == ["840", "841"]

    # population is reference data about authorities (841 sent it): its failure is every authority's
    rows["reference__population"][0]["population"] = None
    add_rows("reference__population", rows["reference__population"], batch_id=3)
    add_rows(CIN, _from("841", REFERRALS) + _from("840", REFERRALS), batch_id=4)
    run = run_checks(warehouse, as_of=as_of)
    [failure] = [f for f in run.failures if f.severity == "blocking"]
    assert (failure.check_name, failure.la_code) == ("expect_column_values_to_not_be_null(population)", None)
    assert sorted(run.held_back(["805", "840", "841"])) == ["805", "840", "841"]


def test_a_sql_check_failing_in_one_authority_is_its_own_and_passes_for_the_others():
    from expectations.cross_checks import SqlCheckResult
    from expectations.sql_checks import per_authority
    from expectations.verdicts import now

    failing = {"840": (2, ["840/A2", "840/A7"])}
    outcome = SqlCheckResult(ASSESSMENTS_HAVE_REFERRALS, 2, ["840/A2", "840/A7"], by_authority=failing)
    check = dict(suite="staging_relationships", check_name=ASSESSMENTS_HAVE_REFERRALS.check_name, feed="case_system",
                 table_name="stg_case_system__assessments", severity="blocking",
                 message="Assessment names a referral_id that is not in the extract's referrals")
    results = per_authority(outcome, {"840", "841", "805"}, now(), **check)
    assert [(r.la_code, r.status, r.failing_rows, r.failing_sample, r.message) for r in results] == [
        ("840", "failed", 2, "840/A2, 840/A7", "authority 840: Assessment names a referral_id that is not in the "
                                               "extract's referrals — 2 records, e.g. 840/A2, 840/A7"),
        (None, "passed", 0, None, "Assessment names a referral_id that is not in the extract's referrals")]
    # one authority's warehouse: one result, its authority's, worded as before
    [alone] = per_authority(outcome, {"840"}, now(), **check)
    assert (alone.la_code, alone.message) == ("840", "Assessment names a referral_id that is not in the extract's "
                                                     "referrals — 2 records, e.g. 840/A2, 840/A7")
