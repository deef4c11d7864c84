"""Email to the performance team and the alliance, through Airflow's SMTP provider and connection.

One connection (`CSW_SMTP_CONN_ID`, default `smtp_default`) serves data-quality alerts and the return's
delivery. On a server it is an Airflow connection (UI, secrets backend, or the environment variable
`AIRFLOW_CONN_SMTP_DEFAULT='smtp://relay.council.gov.uk:25'`); outside Airflow (the `csw` command) the
same environment variable is read by the hook. Recipients come from `CSW_ALERT_TO` (the performance
team's distribution list) and `CSW_ALLIANCE_TO` (the alliance's address for the return); an empty list
means "do not send" and is reported, never an error.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str  # plain words; rendered as preformatted HTML so tables and paths keep their layout
    to: tuple[str, ...]
    attachments: tuple[Path, ...] = ()


def recipients(value: str | None) -> tuple[str, ...]:
    """`a@x, b@y; c@z` → ('a@x', 'b@y', 'c@z')."""
    parts = (value or "").replace(";", ",").split(",")
    return tuple(p.strip() for p in parts if p.strip())


def as_html(text: str) -> str:
    return f'<pre style="font-family: Consolas, Menlo, monospace">{html.escape(text)}</pre>'


def send(mail: Mail, conn_id: str, *, from_email: str | None = None) -> bool:
    """Send `mail` through the SMTP connection `conn_id`; False (nothing sent) when it has no recipients."""
    if not mail.to:
        return False
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(
            to=list(mail.to),
            subject=mail.subject,
            html_content=as_html(mail.text),
            from_email=from_email,
            files=[str(p) for p in mail.attachments] or None,
        )
    return True


def listing(lines: Iterable[str], limit: int = 50) -> str:
    """Bullet lines, capped so a mail never grows without bound (the rest is counted)."""
    items: Sequence[str] = list(lines)
    shown = [f"- {line}" for line in items[:limit]]
    if len(items) > limit:
        shown.append(f"- … and {len(items) - limit} more")
    return "\n".join(shown)
