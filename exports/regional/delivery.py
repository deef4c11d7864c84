"""Delivery of the regional return: the outbox is `<out>/regional/<la_code>/<period>/` (docs/specs/REGIONAL_RETURN.md),
written atomically by `write_regional_return`; this module emails those files to the alliance through
`foundation.mail` (the alerts' SMTP connection). A blocked quarter is told to the performance team by the one
blocking alert, `expectations.alerts.alert_blocked`.

What goes to the alliance carries no value from the feeds: its text is the authority, the period, the file
names and the suppression status read from the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from foundation.mail import Mail, listing, recipients, send
from foundation.settings import Settings
from exports.errors import ExportRefused
from exports.files import MANIFEST_NAME


def return_mail(paths: Sequence[Path], *, la_name: str, la_code: str, period: str, to: Sequence[str]) -> Mail:
    """The return for the alliance: the workbook, the long CSV and the manifest attached, unchanged."""
    text = (
        f"{la_name} ({la_code}): regional return for {period}.\n"
        f"{small_numbers(paths)}\n\n"
        "Attached, as written to the outbox (SHA-256 of each file in manifest.json):\n"
        + listing(Path(p).name for p in paths)
    )
    return Mail(
        subject=f"Regional return {la_code} {period}", text=text, to=tuple(to), attachments=tuple(Path(p) for p in paths)
    )


def small_numbers(paths: Sequence[Path]) -> str:
    """The manifest's suppression status in words; refuses a return whose manifest shows small numbers
    without the recorded reason (or has no manifest), so nothing unsuppressed leaves by accident."""
    manifest = next((Path(p) for p in paths if Path(p).name == MANIFEST_NAME), None)
    if manifest is None:
        raise ExportRefused(f"the return has no {MANIFEST_NAME}: not sent")
    document = json.loads(manifest.read_text(encoding="utf-8"))
    if document.get("suppressed") is True:
        return "Small numbers (1-4, and figures built on them) are suppressed: shown as c."
    reason = document.get("suppression_off_reason")
    if not reason:
        raise ExportRefused(f"{MANIFEST_NAME} shows small numbers without a recorded reason: not sent")
    return f"Small numbers are NOT suppressed: {reason}"


def deliver(paths: Sequence[Path], settings: Settings, *, la_name: str, period: str,
            la_code: str | None = None) -> bool:
    """Email one authority's return (`la_code`, default CSW_LA_CODE) to `CSW_ALLIANCE_TO`; False (nothing sent)
    when no address is configured."""
    mail = return_mail(
        paths, la_name=la_name, la_code=la_code or settings.la_code, period=period, to=recipients(settings.alliance_to)
    )
    return send(mail, settings.smtp_conn_id, from_email=settings.smtp_from)
