"""The severity policy (expectations/policy.yml, expectations/policy.py): the shipped defaults, the thresholds
measured by hand, and the one-line refusals of a policy file that is not valid."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from csw.cli import main
from expectations import policy
from expectations.policy import PolicyError, load
from expectations.results import CheckResult
from ingest.core.load import ensure_loads_table

KNOWN = [("dfe_validation", "903 501", "blocking"), ("dfe_validation", "CIN 1105", "blocking"),
         ("dfe_validation", "903 L09", "warning"), ("raw_x", "expect_column_to_exist(a)", "blocking"),
         ("loads", "quarantined_files_are_resent", "warning")]
AT = datetime(2025, 4, 1, 9, 0)


def _policy(tmp_path: Path, text: str, known=KNOWN):
    path = tmp_path / "policy.yml"
    path.write_text(text)
    return load(path, known=known)


def _result(suite: str, check: str, severity: str = "blocking", *, failing: int | None = 0,
            observed: str | None = None) -> CheckResult:
    return CheckResult(suite=suite, check_name=check, feed="case_system", table_name="t", severity=severity,
                       status="failed" if failing else "passed", observed_value=observed, failing_rows=failing,
                       failing_sample=None, message="m", checked_at=AT)


def test_shipped_policy_blocks_what_makes_numbers_wrong_and_warns_on_the_rest():
    shipped = load()  # validated against every check the project runs
    decide = shipped.severity_of
    assert decide("raw_case_system__ssd_person", "expect_column_to_exist(pers_person_id)", "warning") == "blocking"
    assert decide("raw_case_system__ssd_cla_episodes", "expect_column_values_to_be_unique(clae_cla_episode_id)",
                  "warning") == "blocking"
    assert decide("loads", "quarantined_files_are_resent", "warning") == "blocking"  # unreadable file: rows missing
    assert decide("staging_relationships", "cla_placements_start_within_an_episode", "warning") == "blocking"
    assert decide("staging_relationships", "case_system__referrals_are_for_known_children", "warning") == "blocking"
    assert decide("marts_fct_indicator_values", "every_indicator_has_every_period", "warning") == "blocking"
    # reported, not blocking: code lists, implausible dates, partner feeds, reconciliations
    assert decide("raw_case_system__ssd_cla_placement", "expect_column_values_to_be_in_set(clap_cla_placement_type)",
                  "blocking") == "warning"
    assert decide("staging_relationships", "health__assessments_are_for_known_children", "blocking") == "warning"
    assert decide("reconciliation", "workforce_teams_are_known_to_the_case_system", "blocking") == "warning"
    # DfE errors: blocking only above 5% of the children in scope; DfE queries: always warnings
    entry = shipped.entry_for("dfe_validation", "903 501", "blocking")
    assert (entry.severity, entry.block_if.text, entry.of) == ("blocking", "> 5%", "children_looked_after")
    assert shipped.entry_for("dfe_validation", "CIN 8608", "blocking").of == "children_in_need"
    query = shipped.entry_for("dfe_validation", "903 L09", "warning")
    assert (query.severity, query.block_if) == ("warning", None)
    # a check no entry names keeps the severity its code declares
    assert shipped.entry_for("marts_fct_referrals", "table_is_built", "warning") is None
    assert decide("marts_fct_referrals", "table_is_built", "warning") == "warning"


def _looked_after(children: int) -> duckdb.DuckDBPyConnection:
    """raw.case_system__ssd_cla_episodes with `children` distinct children (two episodes each) in batch 2; an
    older batch 1 with one more child, which the current batch no longer holds."""
    con = duckdb.connect()
    con.execute("create schema raw")
    ensure_loads_table(con)
    con.execute("create table raw.case_system__ssd_cla_episodes "
                "(clae_person_id varchar, _batch_id bigint, _la_code varchar)")
    con.execute("insert into raw.case_system__ssd_cla_episodes values ('OLD', 1, '841')")
    for n in range(children):
        con.execute("insert into raw.case_system__ssd_cla_episodes values ($1, 2, '841'), ($1, 2, '841')", [f"P{n}"])
    return con


THRESHOLDS = """checks:
  - suite: dfe_validation
    check: "*"
    severity: warning
    why: queries and errors alike, unless below
  - suite: dfe_validation
    check: "903 *"
    declared: blocking
    severity: blocking
    block_if: "> 5%"
    of: children_looked_after
    why: widespread means an extract fault
  - suite: dfe_validation
    check: "CIN *"
    declared: blocking
    severity: blocking
    block_if: "> 5%"
    of: children_in_need
    why: widespread means an extract fault
  - suite: "raw_*"
    check: "*"
    severity: blocking
    block_if: ">= 5%"
    why: rows read
  - suite: loads
    check: "*"
    severity: blocking
    block_if: "> 10"
    why: a count
"""


def test_a_percentage_of_children_in_scope_blocks_only_above_the_threshold(tmp_path):
    rules = _policy(tmp_path, THRESHOLDS)
    con = _looked_after(40)  # 40 children in the current batch: 2 records = 5.0% (not above), 3 = 7.5%
    at_five, above, query = policy.apply(con, [_result("dfe_validation", "903 501", failing=2),
                                               _result("dfe_validation", "903 501", failing=3),
                                               _result("dfe_validation", "903 L09", "warning", failing=30)], rules)
    assert at_five.severity == "warning"
    assert at_five.message == "m [policy: 2 = 5.0% of 40 children looked after; a warning (blocks if > 5%)]"
    assert above.severity == "blocking"
    assert above.message == "m [policy: 3 = 7.5% of 40 children looked after; blocks (blocks if > 5%)]"
    assert (query.severity, query.message) == ("warning", "m")  # a DfE query (declared warning) never blocks
    # no CIN episodes table: nothing to measure against, so the rule keeps blocking and says why
    [unmeasured] = policy.apply(con, [_result("dfe_validation", "CIN 1105", failing=1)], rules)
    assert unmeasured.severity == "blocking"
    assert unmeasured.message == "m [policy: blocks, no children in need to measure against for block_if > 5%]"


def test_with_no_ssd_rows_children_are_counted_in_the_staging_the_statutory_returns_fill(tmp_path):
    """A CIN census (or 903) only warehouse: the SSD table is empty, the staging model holds the census's
    children; 2 of 50 = 4.0% is a warning, not a block for want of a denominator."""
    rules = _policy(tmp_path, THRESHOLDS)
    con = _looked_after(0)
    con.execute("create table raw.case_system__ssd_cin_episodes "
                "(cine_person_id varchar, _batch_id bigint, _la_code varchar)")
    con.execute("create schema staging")
    con.execute("create view staging.stg_case_system__referrals as select 'k' || (n % 50) as child_key, n "
                "from range(120) as t(n)")
    [census] = policy.apply(con, [_result("dfe_validation", "CIN 8890", failing=2)], rules)
    assert census.severity == "warning"
    assert census.message == "m [policy: 2 = 4.0% of 50 children in need; a warning (blocks if > 5%)]"


def test_a_percentage_of_rows_read_and_a_count_threshold(tmp_path):
    rules = _policy(tmp_path, THRESHOLDS)
    con = duckdb.connect()
    below, at, counted, over, passed = policy.apply(con, [
        _result("raw_x", "expect_column_to_exist(a)", failing=2, observed="2 of 41 rows"),  # 4.9%
        _result("raw_x", "expect_column_to_exist(a)", failing=3, observed="3 of 60 rows"),  # 5.0%, >= 5%
        _result("loads", "quarantined_files_are_resent", "warning", failing=10),
        _result("loads", "quarantined_files_are_resent", "warning", failing=11),
        _result("loads", "quarantined_files_are_resent", "warning", failing=0),
    ], rules)
    assert (below.severity, at.severity, counted.severity, over.severity) == ("warning", "blocking", "warning",
                                                                             "blocking")
    assert below.message == "m [policy: 2 = 4.9% of 41 rows; a warning (blocks if >= 5%)]"
    assert counted.message == "m [policy: 10 rows; a warning (blocks if > 10)]"
    assert (passed.severity, passed.message) == ("blocking", "m")  # a passed check: the entry's severity, as is


@pytest.mark.parametrize(("text", "error"), [
    ("rules: []\n", "unknown key 'rules' (known: checks)"),
    ("checks:\n  - {suite: loads, check: '*', severity: fatal, why: x}\n",
     "entry 1 (loads / *): unknown severity 'fatal' (known: blocking, warning)"),
    ("checks:\n  - {suite: loads, check: '*', severity: warning, why: x, warn_if: '>0'}\n",
     "entry 1: unknown key 'warn_if' (known: suite, check, declared, severity, why, block_if, of)"),
    ("checks:\n  - {suite: loads, check: '*', declared: error, severity: warning, why: x}\n",
     "entry 1 (loads / *): unknown declared severity 'error' (known: blocking, warning)"),
    ("checks:\n  - {suite: dfe_validation, check: '903 L*', declared: blocking, severity: warning, why: x}\n",
     "entry 1 (dfe_validation / 903 L*, declared blocking): matches no check the project runs"),
    ("checks:\n  - {suite: loads, severity: warning, why: x}\n  - {suite: 'dfe_*', check: '904 *', severity: "
     "warning, why: y}\n", "entry 2 (dfe_* / 904 *): matches no check the project runs"),
    ("checks:\n  - {suite: loads, check: '*', severity: warning}\n",
     "entry 1 (loads / *): say why with 'why'"),
    ("checks:\n  - {suite: loads, check: '*', severity: blocking, block_if: 'over 5', why: x}\n",
     "entry 1 (loads / *): block_if 'over 5' is not a threshold like '> 5%' or '>= 10'"),
    ("checks:\n  - {suite: loads, check: '*', severity: warning, block_if: '> 5', why: x}\n",
     "entry 1 (loads / *): block_if goes with severity blocking"),
    ("checks:\n  - {suite: loads, check: '*', severity: blocking, block_if: '> 5', of: children_in_need, why: x}\n",
     "entry 1 (loads / *): 'of' says what a percentage is of"),
    ("checks:\n  - {suite: loads, check: '*', severity: blocking, block_if: '> 5%', of: teams, why: x}\n",
     "entry 1 (loads / *): unknown scope of: 'teams'"),
    ("checks:\n  - severity: warning\n    why: x\n", "entry 1: name the checks it covers"),
    ("checks: [\n", "not valid YAML at line 2"),
])
def test_an_invalid_policy_file_is_refused_in_one_line(tmp_path, text, error):
    with pytest.raises(PolicyError) as refused:
        _policy(tmp_path, text)
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'policy.yml'}: ") and error in message and "\n" not in message


def test_csw_dq_policy_validates_a_file_and_exits_1_naming_the_fault(tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text("checks:\n  - {suite: dfe_validation, check: 'CIN *', severity: warn, why: x}\n")
    assert main(["dq", "policy", "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == (f"csw: {bad}: entry 1 (dfe_validation / CIN *): unknown severity 'warn' "
                   "(known: blocking, warning)\n")
    assert main(["dq", "policy"]) == 0
    out = capsys.readouterr().out
    assert "dfe_validation" in out and "blocking if > 5% of children_looked_after" in out
    assert out.rstrip().endswith("keep the severity their code declares")


def test_a_check_the_policy_now_makes_a_warning_can_be_acknowledged():
    """Acknowledgement goes by the severity of the newest run of the check, not by runs under an older policy."""
    from expectations import store
    from expectations.acknowledgements import AcknowledgementRefused, acknowledge

    con = duckdb.connect()
    store.ensure_tables(con)
    for run_id, day, severity in (("old", 1, "blocking"), ("new", 2, "warning")):
        con.execute("insert into dq.runs (run_id, started_at, status) values ($1, $2, 'PASSED')",
                    [run_id, datetime(2025, 4, day)])
        con.execute("insert into dq.check_results (run_id, suite, check_name, severity, status) "
                    "values ($1, 'dfe_validation', 'CIN 1105', $2, 'failed')", [run_id, severity])
    ack = acknowledge(con, "CIN 1105", by="A. Officer", reason="one plan, corrected next week")
    assert (ack.suite, ack.check_name) == ("dfe_validation", "CIN 1105")
    con.execute("insert into dq.runs (run_id, started_at, status) values ('newest', $1, 'FAILED')",
                [datetime(2025, 4, 3)])
    con.execute("insert into dq.check_results (run_id, suite, check_name, severity, status) "
                "values ('newest', 'dfe_validation', 'CIN 1105', 'blocking', 'failed')")  # now over the threshold
    with pytest.raises(AcknowledgementRefused, match="dfe_validation / CIN 1105 is a blocking check"):
        acknowledge(con, "CIN 1105", by="A. Officer", reason="again")


def test_a_hubs_failure_is_measured_against_its_own_authoritys_children(tmp_path):
    """841's 40 children looked after and 840's 20 (the same person ids P0-P19: ids are an authority's own): 2
    failing records of 840 are 10% of its 20 children and block; 2 of 841's are 5.0% of its 40; a result of no one
    authority is measured against all 60."""
    from dataclasses import replace

    rules = _policy(tmp_path, THRESHOLDS)
    con = _looked_after(40)
    for n in range(20):
        con.execute("insert into raw.case_system__ssd_cla_episodes values ($1, 2, '840')", [f"P{n}"])
    durham, darlington, everyone = policy.apply(con, [
        replace(_result("dfe_validation", "903 501", failing=2), la_code="840"),
        replace(_result("dfe_validation", "903 501", failing=2), la_code="841"),
        _result("dfe_validation", "903 501", failing=3)], rules)
    assert (durham.severity, durham.message) == (
        "blocking", "m [policy: 2 = 10.0% of 20 children looked after; blocks (blocks if > 5%)]")
    assert (darlington.severity, darlington.message) == (
        "warning", "m [policy: 2 = 5.0% of 40 children looked after; a warning (blocks if > 5%)]")
    assert everyone.message == "m [policy: 3 = 5.0% of 60 children looked after; a warning (blocks if > 5%)]"
