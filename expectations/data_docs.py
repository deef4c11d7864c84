"""Great Expectations Data Docs of a check run, as static HTML that opens offline.

GX renders the suites and the run's validation results (its SiteBuilder, from the context's stores). Its
page templates load Bootstrap, jQuery, Font Awesome and bootstrap-table from public CDNs and the logo from
an S3 bucket; a council desktop may have no internet, and a data quality page should not call out to third
parties. So after GX builds the site, every remote stylesheet and script tag is removed, the logo points at
the copy GX ships in `static/images/`, and a small local stylesheet (`static/styles/csw-offline.css`) lays
out the tables. The pages' content is plain HTML, so nothing is lost but the interactive table filters.

The site is built in a temporary folder beside the target and swapped in whole: a reader never sees a
half-written site, and a re-run replaces the previous run's pages.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

SITE_NAME = "csw_data_docs"
_GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=[\"']https?://[^\"']*[\"'][^>]*>", re.IGNORECASE)
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>", re.IGNORECASE)
# a resource the browser would fetch by itself (links a reader clicks, <a href>, are not fetched)
REMOTE_RESOURCE = re.compile(r"<(?:link|script|img|iframe)\b[^>]*\b(?:href|src)=[\"']https?://", re.IGNORECASE)

OFFLINE_CSS = """/* csw: a plain layout for the Data Docs without Bootstrap (removed: it was loaded from a CDN). */
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.container-fluid, .row { display: block; }
.navbar, .sticky-top { margin-bottom: 1rem; }
.navbar img { height: 32px; }
.alert-danger, .text-danger { color: #a40000; }
.text-success { color: #1b6e1b; }
.collapse { display: block; }
code, pre { background: #f6f6f6; padding: 0 0.2rem; }
"""


def build(context: Any, out_dir: Path) -> Path:
    """Build the Data Docs of `context` (its suites and stored validation results) into `out_dir`, offline.
    Returns the path of index.html."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".data-docs-", dir=out_dir.parent))
    try:
        context.add_data_docs_site(SITE_NAME, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(staging)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        context.build_data_docs(site_names=[SITE_NAME])
        make_offline(staging)
        old = out_dir.with_name(out_dir.name + ".previous")
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir / "index.html"


def make_offline(site: Path) -> None:
    """Remove remote stylesheets and scripts from every page, link the local stylesheet and logo."""
    styles = site / "static" / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    (styles / "csw-offline.css").write_text(OFFLINE_CSS, encoding="utf-8")
    for page in site.rglob("*.html"):
        root = "../" * (len(page.relative_to(site).parts) - 1)
        text = page.read_text(encoding="utf-8")
        text = _REMOTE_SCRIPT.sub("", _REMOTE_LINK.sub("", text))
        # the dark-theme logo is not among the images GX ships: use the one it does ship
        text = text.replace(f"{_GX_ASSETS}full_logo_dark.png", f"{root}static/images/logo-long.png")
        text = text.replace(_GX_ASSETS, f"{root}static/images/")
        text = text.replace("</head>", f'<link rel="stylesheet" href="{root}static/styles/csw-offline.css">\n</head>', 1)
        page.write_text(text, encoding="utf-8")


def remote_resources(site: Path) -> list[str]:
    """`page: tag` for every resource a page would fetch from the internet (none, after `make_offline`)."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for match in REMOTE_RESOURCE.finditer(page.read_text(encoding="utf-8")):
            found.append(f"{page.relative_to(site)}: {match.group(0)}")
    return found
