"""The SMTP connection strings of compose and the README do what they say with Airflow's SMTP hook: the Mailpit
default sends plain SMTP (proved by sending through a local server), the relay examples pick STARTTLS on
587, implicit TLS on 465 and neither on an internal relay."""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.deploy.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _hook(monkeypatch, uri: str):
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    monkeypatch.setenv("AIRFLOW_CONN_CSW_URI_CHECK", uri)
    hook = SmtpHook(smtp_conn_id="csw_uri_check")
    hook.conn = hook.get_connection("csw_uri_check")  # what get_conn() reads, without connecting
    return hook


def test_compose_default_is_plain_smtp_to_mailpit_and_delivers(stack, monkeypatch, smtp_server):
    from foundation.mail import Mail, send

    uri = stack["services"]["scheduler"]["environment"]["AIRFLOW_CONN_SMTP_DEFAULT"]
    assert uri.startswith("smtp://mailpit:1025?")
    hook = _hook(monkeypatch, uri)
    assert (hook.conn.host, hook.conn.port, hook.use_ssl, hook.smtp_starttls) == ("mailpit", 1025, False, False)
    # The same connection string, pointed at a local server instead of the mailpit container, delivers.
    port = json.loads(os.environ["AIRFLOW_CONN_CSW_TEST_SMTP"])["port"]
    monkeypatch.setenv("AIRFLOW_CONN_CSW_TEST_SMTP", uri.replace("mailpit:1025", f"127.0.0.1:{port}"))
    assert send(Mail(subject="compose relay", text="hello", to=("team@example.org",)), "csw_test_smtp",
                from_email="csw@example.org")
    assert [m["Subject"] for m in smtp_server] == ["compose relay"]


@pytest.mark.parametrize(("port", "ssl", "starttls"), [(587, False, True), (465, True, False), (25, False, False)])
def test_readme_relay_examples(monkeypatch, port, ssl, starttls):
    examples = dict((int(p), u) for u, p in re.findall(r"^AIRFLOW_CONN_SMTP_DEFAULT=(smtp://\S+?:(\d+)\S*)", README, re.M))
    hook = _hook(monkeypatch, examples[port])
    assert hook.conn.host == "relay.council.gov.uk" and hook.conn.port == port
    assert (hook.use_ssl, hook.smtp_starttls) == (ssl, starttls)
