"""A page printed to an A4 PDF by headless Chromium (Playwright driving the Debian `chromium` package:
`CSW_CHROMIUM`, default /usr/bin/chromium). The page is a local file; every request to anything but a
file:// URL is refused, so printing never reaches the network."""

from __future__ import annotations

import os
from pathlib import Path

from exports.errors import ExportRefused

DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    path = os.environ.get("CSW_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(path).exists():
        raise ExportRefused(f"--pdf needs Chromium at {path} (apt-get install chromium, or set CSW_CHROMIUM)")
    return path


def print_pdf(page: Path, pdf: Path) -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                      else route.abort())
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.pdf(path=str(pdf), format="A4", print_background=True,
                    margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return pdf
