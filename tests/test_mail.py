"""foundation.mail: one SMTP route (Airflow's SMTP provider and connection) for alerts and the return."""

from __future__ import annotations

from foundation.mail import Mail, listing, recipients, send


def test_recipients_accept_commas_and_semicolons():
    assert recipients(" a@x.org, b@y.org; c@z.org ,") == ("a@x.org", "b@y.org", "c@z.org")
    assert recipients("") == ()
    assert recipients(None) == ()


def test_listing_caps_long_lists():
    text = listing([f"check {n}" for n in range(5)], limit=3)
    assert text.splitlines() == ["- check 0", "- check 1", "- check 2", "- … and 2 more"]


def test_mail_with_attachment_reaches_the_server(smtp_server, tmp_path):
    attachment = tmp_path / "return.csv"
    attachment.write_text("indicator_id,value\nREF_COUNT,12\n", encoding="utf-8")
    mail = Mail(subject="csw: 2 blocking checks failed", text="a <b> & c\n  indented",
                to=("team@example.org", "lead@example.org"), attachments=(attachment,))
    assert send(mail, "csw_test_smtp") is True
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message["Subject"] == "csw: 2 blocking checks failed"
    assert message["X-Envelope-To"] == "team@example.org, lead@example.org"
    parts = list(message.iter_parts())
    assert "a &lt;b&gt; &amp; c\n  indented" in parts[0].get_content()
    assert parts[1].get_filename() == "return.csv"
    assert parts[1].get_content().replace(b"\r\n", b"\n") == b"indicator_id,value\nREF_COUNT,12\n"


def test_no_recipients_sends_nothing(smtp_server):
    assert send(Mail(subject="s", text="t", to=()), "csw_test_smtp") is False
    assert smtp_server == []
