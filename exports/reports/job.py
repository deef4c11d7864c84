"""`csw report scorecard` and the DAG's scorecard task: open the warehouse read-only, read one quarter,
write the pages into `<out>/scorecard/<period>/` (`…-sharing/` for the version shared outside the
council), with the GX Data Docs of the newest check run (`<output>/data-docs`) linked from the data-quality page."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from exports.reports import pages
from exports.reports.read import read
from foundation.settings import Settings
from foundation.warehouse import connect


def out_dir_for(out: Path, period: str, *, sharing: bool, la_code: str | None = None) -> Path:
    """`<out>/scorecard/<period>/` (CSW_LA_CODE's pages); another authority of a hub's in
    `<out>/scorecard/<la_code>/<period>/`."""
    folder = Path(out) / "scorecard" / la_code if la_code else Path(out) / "scorecard"
    return folder / (f"{period}-sharing" if sharing else period)


def write_scorecard(settings: Settings, period: str, out: Path | None = None, *, reports: Iterable[str] = pages.REPORTS,
                    sharing: bool = False, pdf: bool = False, la_code: str | None = None,
                    progress: Callable[[str], None] = lambda _: None) -> pages.Built:
    """One authority's pages (`la_code`, default CSW_LA_CODE's) of the quarter."""
    out = Path(out) if out else settings.output_dir
    # read-write, as the return's writer: in `airflow dags test` the build ran in this process, and DuckDB refuses a
    # read-only connection beside it (it opens nothing it does not find: the marts are read, never created)
    con = connect(settings)
    try:
        data = read(con, period, la_code or settings.la_code)
    finally:
        con.close()
    own = settings.la_code  # CSW_LA_CODE's pages stay where a one-authority warehouse writes them
    threshold = next((i.small_numbers_threshold for i in data.indicators if i.small_numbers_threshold is not None), 10)
    data_docs = settings.output_dir / "data-docs"
    folder = out_dir_for(out, data.quarter.label, sharing=sharing, la_code=None if data.la_code == own else data.la_code)
    built = pages.build(data, folder, sharing=sharing,
                        threshold=float(threshold), reports=reports, data_docs=data_docs if data_docs.exists() else None,
                        pdf=pdf)
    progress(f"wrote {len(built.pages)} page(s){f' and {len(built.pdfs)} PDF(s)' if built.pdfs else ''} "
             f"into {built.out_dir} in {built.seconds:.1f} s{' (for sharing: small numbers withheld)' if sharing else ''}")
    return built


def publish(settings: Settings, period: str, out: Path | None = None, *,
            progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    """The quarterly run's pages of every authority in the marts (a hub's each in its own folder, `out_dir_for`):
    the internal scorecard and panel report (with their A4 PDFs when Chromium is installed) and the version for
    sharing, into the outbox; then email the performance team (`CSW_ALERT_TO`) where they are, one mail per
    authority with its panel PDF attached. Returns the folders written."""
    from exports.authorities import return_authorities
    from exports.reports.pdf import DEFAULT_CHROMIUM
    from foundation.mail import Mail, recipients, send

    con = connect(settings)  # read-write, as write_scorecard's (DuckDB refuses a mix in one process)
    try:
        codes = return_authorities(con, [], settings.la_code)  # the marts' authorities; before a build, ours
    finally:
        con.close()
    can_print = Path(os.environ.get("CSW_CHROMIUM") or DEFAULT_CHROMIUM).exists()
    if not can_print:
        progress("no Chromium installed: the pages are written without their PDFs")
    folders: list[Path] = []
    for number, code in enumerate(codes, 1):
        prefix = f"authority {code} ({number}/{len(codes)}): " if len(codes) > 1 else ""
        say = (lambda line, prefix=prefix: progress(prefix + line)) if prefix else progress
        internal = write_scorecard(settings, period, out, pdf=can_print, la_code=code, progress=say)
        shared = write_scorecard(settings, period, out, sharing=True, la_code=code, progress=say)
        of = f" of authority {code}" if len(codes) > 1 else ""
        text = (f"The scorecard and the corporate parenting panel report{of} for {period} are in the outbox:\n\n"
                f"  {internal.out_dir / 'index.html'}\n  {internal.out_dir / 'panel.html'}\n"
                f"  {shared.out_dir / 'index.html'} (for sharing outside the council: small numbers withheld)\n\n"
                "Open them in a browser; they need no server and no network.")
        subject = f"Performance scorecard {period}" + (f" ({code})" if len(codes) > 1 else "")
        mail = Mail(subject=subject, text=text, to=recipients(settings.alert_to),
                    attachments=tuple(p for p in internal.pdfs if p.name == "panel.pdf"))
        if send(mail, settings.smtp_conn_id, from_email=settings.smtp_from):
            say(f"emailed the performance team ({settings.alert_to})")
        folders += [internal.out_dir, shared.out_dir]
    return folders
