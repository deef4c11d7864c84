"""Great Expectations Data Docs of a check run, as static HTML that opens offline.

GX renders the suites and the run's validation results (its SiteBuilder, from the context's stores). Its
page templates load Bootstrap, jQuery, Popper, Font Awesome and bootstrap-table from public CDNs and the
logo from an S3 bucket; a council desktop may have no internet, and a data quality page should not call out
to third parties. So after GX builds the site, each CDN script and stylesheet the templates name is copied
into the site (`static/vendor/<package>/…`) from the npm packages of the same versions, installed with the
project (`expectations/data_docs_assets/`: package.json and its lock, `npm ci`; no PyPI or Debian package
ships bootstrap-table), and the tag is pointed at the copy: the index lists the suites and results, the
pages render as designed. A remote tag with no local copy is removed; the logo points at the copy GX ships
in `static/images/`. Without the installed assets (`npm ci` not run) the tags are removed and a small local
stylesheet (`static/styles/csw-offline.css`) lays the pages out plainly, as before.

The site is built in a temporary folder beside the target and swapped in whole: a reader never sees a
half-written site, and a re-run replaces the previous run's pages.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

SITE_NAME = "csw_data_docs"
ASSETS = Path(os.environ.get("CSW_DATA_DOCS_ASSETS") or Path(__file__).with_name("data_docs_assets") / "node_modules")
# CDN address in GX's templates (great_expectations/render/view/templates) → the file in the npm package of
# the same version (popper.js: 1.16.1, the 1.x Bootstrap 4.3.1 accepts). Font Awesome's stylesheet reads its
# fonts from ../webfonts, so its folder is copied whole.
CDN_FILES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
}
_WHOLE_FOLDERS = ("@fortawesome/fontawesome-free/css", "@fortawesome/fontawesome-free/webfonts")
# a local copy's tag loses the CDN's subresource-integrity and CORS attributes: from file:// a crossorigin
# script is refused ("blocked by CORS policy")
_LOCAL_TAG = re.compile(r"<(?:script|link)\b[^>]*static/vendor/[^>]*>", re.IGNORECASE)
_CDN_ATTRIBUTES = re.compile(r"\s(?:integrity|crossorigin)=[\"'][^\"']*[\"']", re.IGNORECASE)
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
    return publish(render(context, out_dir), out_dir)


def render(context: Any, out_dir: Path) -> Path:
    """The Data Docs of `context` built offline into a new folder beside `out_dir`, which stays as it was until
    `publish` puts the new folder in its place (or `discard` removes it)."""
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
    except BaseException:
        discard(staging)
        raise
    return staging


def publish(staging: Path, out_dir: Path) -> Path:
    """Put the Data Docs `render` built in `staging` in `out_dir`'s place; returns the path of index.html."""
    out_dir = Path(out_dir)
    try:
        old = out_dir.with_name(out_dir.name + ".previous")
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        discard(staging)
    return out_dir / "index.html"


def discard(staging: Path) -> None:
    """Remove Data Docs `render` built and nobody will publish."""
    shutil.rmtree(staging, ignore_errors=True)


def assets_installed(assets: Path | None = None) -> bool:
    """Whether every file of CDN_FILES is in the installed npm packages (`npm ci` in data_docs_assets/)."""
    assets = assets or ASSETS
    return all((assets / path).is_file() for path in CDN_FILES.values())


def _copy_assets(site: Path, assets: Path) -> None:
    vendor = site / "static" / "vendor"
    for path in CDN_FILES.values():
        (vendor / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets / path, vendor / path)
    for folder in _WHOLE_FOLDERS:
        shutil.copytree(assets / folder, vendor / folder, dirs_exist_ok=True)


def make_offline(site: Path, assets: Path | None = None) -> None:
    """Point every CDN tag of every page at the site's own copy of the file (from the installed npm packages);
    remove any other remote stylesheet or script; link the logo GX ships. Without the installed packages,
    remove the CDN tags and link a plain local stylesheet instead."""
    assets = assets or ASSETS
    local = assets_installed(assets)
    if local:
        _copy_assets(site, assets)
    else:
        styles = site / "static" / "styles"
        styles.mkdir(parents=True, exist_ok=True)
        (styles / "csw-offline.css").write_text(OFFLINE_CSS, encoding="utf-8")
    for page in site.rglob("*.html"):
        root = "../" * (len(page.relative_to(site).parts) - 1)
        text = page.read_text(encoding="utf-8")
        if local:
            for url, path in CDN_FILES.items():
                text = text.replace(f'"{url}"', f'"{root}static/vendor/{path}"')
            text = _LOCAL_TAG.sub(lambda tag: _CDN_ATTRIBUTES.sub("", tag.group(0)), text)
        text = _REMOTE_SCRIPT.sub("", _REMOTE_LINK.sub("", text))
        # the dark-theme logo is not among the images GX ships: use the one it does ship
        text = text.replace(f"{_GX_ASSETS}full_logo_dark.png", f"{root}static/images/logo-long.png")
        text = text.replace(_GX_ASSETS, f"{root}static/images/")
        if not local:
            text = text.replace("</head>", f'<link rel="stylesheet" href="{root}static/styles/csw-offline.css">\n</head>', 1)
        page.write_text(text, encoding="utf-8")


def remote_resources(site: Path) -> list[str]:
    """`page: tag` for every resource a page would fetch from the internet (none, after `make_offline`)."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for match in REMOTE_RESOURCE.finditer(page.read_text(encoding="utf-8")):
            found.append(f"{page.relative_to(site)}: {match.group(0)}")
    return found
