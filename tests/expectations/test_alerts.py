"""Acknowledged warnings and the alert emails (expectations.alerts), captured by a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import html
from datetime import date

import pytest

from expectations.alerts import alert_blocked, data_docs_index, send_daily_digest
from foundation.settings import get_settings
from expectations import run_checks
from expectations.acknowledgements import AcknowledgementRefused, acknowledge

PERSON = "case_system__ssd_person"
CIN = "case_system__ssd_cin_episodes"
TEAM = "team@example.org, lead@example.org"


@pytest.fixture
def alert_settings(settings, smtp_server, monkeypatch):
    monkeypatch.setenv("CSW_ALERT_TO", "team@example.org; lead@example.org")
    return get_settings()


def _body(message) -> str:
    return html.unescape(message.get_body(preferencelist=("html", "plain")).get_content())


def test_blocking_failure_alert_names_feed_count_file_keys_and_data_docs(
        warehouse, rows, add_rows, as_of, alert_settings, smtp_server):
    duplicate = dict(rows[PERSON][1])
    add_rows(PERSON, rows[PERSON] + [duplicate], source_file="ssd_person.csv")
    run = run_checks(warehouse, as_of=as_of)
    assert run.blocking_failures == 1

    outcome = alert_blocked(alert_settings, reason="1 blocking data quality check(s) failed", period="2024-25Q4",
                            run_id=run.run_id, con=warehouse)

    assert outcome.sent and len(smtp_server) == 1
    message = smtp_server[0]
    assert message["Subject"] == "[csw] Regional return 841 2024-25Q4 blocked: 1 blocking failure in case_system"
    assert message["X-Envelope-To"] == TEAM
    body = _body(message)
    assert "The regional return 841 2024-25Q4 was NOT written: 1 blocking data quality check(s) failed" in body
    assert "Blocking failures (1):" in body
    assert "raw.case_system__ssd_person: 2 rows have the same pers_person_id as another row" in body
    assert "ssd_person.csv, rows 2, 4" in body  # the file and its rows
    assert "example keys: P002" in body
    assert "raw_case_system__ssd_person / expect_column_values_to_be_unique(pers_person_id)" in body
    assert str(data_docs_index(alert_settings)) in body
    # the run's warnings ride along, the first time only
    assert "New warnings (" in body and "table not loaded" in body
    sent = warehouse.execute("select kind, count(*) from dq.alerts group by kind").fetchall()
    assert sent == [("blocking", 1 + run.warnings)]


def test_no_alert_without_blocking_failures_or_recipients(warehouse, as_of, settings, smtp_server):
    run = run_checks(warehouse, as_of=as_of)
    assert "CSW_ALERT_TO is empty" in alert_blocked(settings, reason="r", run_id=run.run_id, con=warehouse).reason
    assert "CSW_ALERT_TO is empty" in send_daily_digest(settings=settings, con=warehouse).reason
    assert smtp_server == []


def test_blocked_return_without_a_check_run_still_alerts_and_says_so(warehouse, alert_settings, smtp_server):
    outcome = alert_blocked(alert_settings, reason="no data quality run recorded in dq.runs", period="2024-25Q4",
                            con=warehouse)
    assert outcome.sent
    [message] = smtp_server
    assert message["Subject"] == "[csw] Regional return 841 2024-25Q4 blocked"
    body = _body(message)
    assert "was NOT written: no data quality run recorded in dq.runs" in body and "No check run in dq.runs" in body
    assert warehouse.execute("select count(*) from dq.alerts").fetchall() == [(0,)]


def test_daily_digest_sends_only_new_unacknowledged_warnings(
        warehouse, rows, add_rows, as_of, alert_settings, smtp_server):
    first = run_checks(warehouse, as_of=as_of)
    assert first.blocking_failures == 0 and first.warnings > 1  # the fixture's feeds not delivered

    assert send_daily_digest(settings=alert_settings, con=warehouse).sent
    digest = smtp_server[0]
    assert digest["Subject"] == f"[csw] Data quality digest: {first.warnings} new warnings in " + \
        ", ".join(_first_feeds(warehouse, first.run_id)) + _more(warehouse, first.run_id)
    assert digest["X-Envelope-To"] == TEAM
    assert "raw.health__assessments: table not loaded" in _body(digest)

    # the same warnings again: nothing new, no email
    assert not send_daily_digest(settings=alert_settings, con=warehouse).sent
    assert len(smtp_server) == 1

    # a new warning (a primary need outside its code list) and an acknowledged one
    bad = [dict(rows[CIN][0], cine_cin_primary_need_code="N0")] + rows[CIN][1:]
    add_rows(CIN, bad, source_file="ssd_cin_episodes.csv")
    acknowledge(warehouse, "table_is_loaded", suite="raw_health__assessments", by="A. Officer",
                reason="the trust's feed starts in April")
    second = run_checks(warehouse, as_of=as_of)
    assert second.acknowledged == 1

    assert send_daily_digest(settings=alert_settings, con=warehouse).sent
    digest = smtp_server[1]
    assert digest["Subject"] == "[csw] Data quality digest: 1 new warning in case_system"
    body = _body(digest)
    assert "cine_cin_primary_need_code outside its code list" in body and "ssd_cin_episodes.csv, row 1" in body
    assert "health__assessments" not in body


def _first_feeds(con, run_id: str) -> list[str]:
    feeds = con.execute("select distinct feed from dq.check_results where run_id = ? and status = 'failed' "
                        "order by feed", [run_id]).fetchall()
    return [f for (f,) in feeds][:4]


def _more(con, run_id: str) -> str:
    n = con.execute("select count(distinct feed) from dq.check_results where run_id = ? and status = 'failed'",
                    [run_id]).fetchall()[0][0]
    return f" and {n - 4} more" if n > 4 else ""


def test_acknowledged_warning_is_marked_and_stored_but_blocking_checks_cannot_be(
        warehouse, rows, add_rows, as_of):
    run_checks(warehouse, as_of=as_of)
    ack = acknowledge(warehouse, "table_is_loaded", suite="raw_health__assessments", by="A. Officer",
                      reason="the trust's feed starts in April", expires_on=date(2099, 1, 31))
    assert (ack.suite, ack.acknowledged_by, ack.expires_on) == ("raw_health__assessments", "A. Officer",
                                                                date(2099, 1, 31))
    with pytest.raises(AcknowledgementRefused, match="blocking checks cannot be acknowledged"):
        acknowledge(warehouse, "expect_column_values_to_be_unique(pers_person_id)", by="A. Officer", reason="x")
    with pytest.raises(AcknowledgementRefused, match="runs in .* suites.*--suite"):
        acknowledge(warehouse, "table_is_loaded", by="A. Officer", reason="x")
    with pytest.raises(AcknowledgementRefused, match="no check 'no_such_check'"):
        acknowledge(warehouse, "no_such_check", by="A. Officer", reason="x")
    with pytest.raises(AcknowledgementRefused, match="in the past"):
        acknowledge(warehouse, "table_is_loaded", suite="raw_health__assessments", by="A", reason="x",
                    expires_on=date(2020, 1, 1))

    run = run_checks(warehouse, as_of=as_of)
    stored = warehouse.execute(
        "select status, acknowledged_by from dq.check_results where run_id = ? and suite = ? and check_name = ?",
        [run.run_id, "raw_health__assessments", "table_is_loaded"]).fetchall()
    assert stored == [("failed", "A. Officer")]  # still failed, still listed: only marked
    assert run.acknowledged == 1 and run.warnings > 1
    unmarked = warehouse.execute(
        "select count(*) from dq.check_results where run_id = ? and status = 'failed' and acknowledged_by is null",
        [run.run_id]).fetchall()[0][0]
    assert unmarked == run.warnings - 1
