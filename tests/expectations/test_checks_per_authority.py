"""Checks in a hub's warehouse (docs/regional-hub.md): a case-system id repeats legitimately across authorities,
so a raw table's key is unique within each authority (`_la_code`), a staging record's parent is looked up in its
own authority (`la_code`), and a failure names the authority of its rows."""

from __future__ import annotations

import duckdb

from expectations import run_checks
from expectations.cross_checks import RELATIONSHIPS, authority_scoped, evaluate
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


def _staging(con: duckdb.DuckDBPyConnection, *, with_la_code: bool) -> None:
    la = ", la_code varchar" if with_la_code else ""
    con.execute("create schema if not exists staging")
    con.execute(f"create table staging.stg_case_system__referrals (referral_id varchar{la})")
    con.execute(f"create table staging.stg_case_system__assessments (assessment_id varchar, referral_id varchar{la})")


def test_a_staging_record_finds_its_parent_in_its_own_authority_only():
    con = duckdb.connect()
    _staging(con, with_la_code=True)
    con.execute("insert into staging.stg_case_system__referrals values ('R1', '841'), ('R2', '840')")
    # A2 of 840 names R1, which only 841 has: an orphan in 840, whatever 841 holds
    con.execute("insert into staging.stg_case_system__assessments values ('A1', 'R1', '841'), ('A2', 'R1', '840'), "
                "('A3', 'R2', '840')")
    [result] = evaluate(con, (ASSESSMENTS_HAVE_REFERRALS,))
    assert (result.failing_rows, result.sample_keys, result.error) == (1, ["840/A2"], None)


def test_before_staging_carries_la_code_the_check_is_one_authoritys():
    con = duckdb.connect()
    _staging(con, with_la_code=False)
    con.execute("insert into staging.stg_case_system__referrals values ('R1')")
    con.execute("insert into staging.stg_case_system__assessments values ('A1', 'R1'), ('A2', 'R9')")
    [result] = evaluate(con, (ASSESSMENTS_HAVE_REFERRALS,))
    assert (result.failing_rows, result.sample_keys, result.error) == (1, ["A2"], None)
    assert "{" not in authority_scoped(ASSESSMENTS_HAVE_REFERRALS.sql, False)  # every marker filled or removed
    assert "p.la_code = c.la_code" in authority_scoped(ASSESSMENTS_HAVE_REFERRALS.sql, True)
