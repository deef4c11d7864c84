"""Data Docs: built by `run_checks` under the output folder, offline (no CDN), replaced whole by a re-run;
and the key suites of the other marts."""

from __future__ import annotations

import pytest

from expectations import run_checks
from expectations.data_docs import CDN_FILES, assets_installed, make_offline, remote_resources


def test_data_docs_are_built_offline_and_replaced_by_a_rerun(warehouse, rows, add_rows, as_of, tmp_path):
    docs = tmp_path / "output" / "data-docs"
    first = run_checks(warehouse, as_of=as_of, data_docs=docs)
    assert first.data_docs == docs / "index.html" and first.data_docs.exists()
    index = first.data_docs.read_text(encoding="utf-8")
    assert "raw_case_system__ssd_cin_episodes" in index and "marts_fct_indicator_values" in index
    assert remote_resources(docs) == []  # nothing a browser would fetch from the internet
    assert assets_installed(), "make data-docs-assets (npm ci in expectations/data_docs_assets) has not run"
    assert 'src="static/vendor/bootstrap-table/dist/bootstrap-table.min.js"' in index
    assert (docs / "static" / "vendor" / "jquery" / "dist" / "jquery.min.js").is_file()
    assert first.run_id in "".join(p.as_posix() for p in (docs / "validations").rglob("*.html"))

    add_rows("case_system__ssd_person", rows["case_system__ssd_person"] + [dict(rows["case_system__ssd_person"][0])])
    second = run_checks(warehouse, as_of=as_of, data_docs=docs)
    pages = [p.as_posix() for p in (docs / "validations").rglob("*.html")]
    assert pages and all(second.run_id in p for p in pages)  # the previous run's pages are gone
    assert sorted(p.name for p in tmp_path.joinpath("output").iterdir()) == ["data-docs"]  # no temporary left


def test_make_offline_points_cdn_tags_at_the_packaged_copies(tmp_path):
    page = tmp_path / "validations" / "suite" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"'
        ' integrity="sha384-x" crossorigin="anonymous"/>'
        '<script src="https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js"></script>'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script></head><body></body></html>', encoding="utf-8")
    make_offline(tmp_path)
    text = page.read_text(encoding="utf-8")
    assert remote_resources(tmp_path) == []  # vega has no packaged copy: its tag is removed
    assert ('<link rel="stylesheet" href="../../static/vendor/bootstrap/dist/css/bootstrap.min.css"/>' in text)
    assert '<script src="../../static/vendor/bootstrap-table/dist/bootstrap-table.min.js"></script>' in text
    assert "vega" not in text and "csw-offline.css" not in text
    # every file GX's templates name is in the site, and Font Awesome's stylesheet finds its fonts
    assert all((tmp_path / "static" / "vendor" / path).is_file() for path in CDN_FILES.values())
    assert (tmp_path / "static" / "vendor" / "@fortawesome" / "fontawesome-free" / "webfonts" /
            "fa-solid-900.woff2").is_file()


def test_without_the_packaged_assets_cdn_tags_are_stripped_and_a_local_stylesheet_linked(tmp_path):
    page = tmp_path / "validations" / "suite" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap.min.css"/>'
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script></head><body>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png">'
        '<a href="https://greatexpectations.io">GX</a></body></html>', encoding="utf-8")
    assert len(remote_resources(tmp_path)) == 3
    make_offline(tmp_path, assets=tmp_path / "no-node-modules")
    text = page.read_text(encoding="utf-8")
    assert remote_resources(tmp_path) == []
    assert 'href="../../static/styles/csw-offline.css"' in text and 'src="../../static/images/logo-long.png"' in text
    assert '<a href="https://greatexpectations.io">' in text  # a link the reader may click is kept


def test_a_run_that_fails_after_validating_publishes_no_data_docs(warehouse, as_of, tmp_path, monkeypatch):
    """The Data Docs are rendered beside the SQL checks but published only once the run is stored."""
    from expectations import store

    docs = tmp_path / "output" / "data-docs"
    kept = run_checks(warehouse, as_of=as_of, data_docs=docs).data_docs.read_text(encoding="utf-8")

    def refused(*_args, **_kwargs):
        raise RuntimeError("the dq tables refused the run")

    monkeypatch.setattr(store, "write_run", refused)
    with pytest.raises(RuntimeError, match="refused the run"):
        run_checks(warehouse, as_of=as_of, data_docs=docs)
    assert (docs / "index.html").read_text(encoding="utf-8") == kept  # the last stored run's, as they were
    assert [p.name for p in docs.parent.iterdir()] == ["data-docs"]  # nothing rendered is left beside them
