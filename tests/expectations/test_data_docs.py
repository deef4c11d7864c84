"""Data Docs: built by `run_checks` under the output folder, offline (no CDN), replaced whole by a re-run;
and the key suites of the other marts."""

from __future__ import annotations

from expectations import run_checks
from expectations.data_docs import make_offline, remote_resources


def test_data_docs_are_built_offline_and_replaced_by_a_rerun(warehouse, rows, add_rows, as_of, tmp_path):
    docs = tmp_path / "output" / "data-docs"
    first = run_checks(warehouse, as_of=as_of, data_docs=docs)
    assert first.data_docs == docs / "index.html" and first.data_docs.exists()
    index = first.data_docs.read_text(encoding="utf-8")
    assert "raw_case_system__ssd_cin_episodes" in index and "marts_fct_indicator_values" in index
    assert remote_resources(docs) == []  # nothing a browser would fetch from the internet
    assert (docs / "static" / "styles" / "csw-offline.css").exists()
    assert first.run_id in "".join(p.as_posix() for p in (docs / "validations").rglob("*.html"))

    add_rows("case_system__ssd_person", rows["case_system__ssd_person"] + [dict(rows["case_system__ssd_person"][0])])
    second = run_checks(warehouse, as_of=as_of, data_docs=docs)
    pages = [p.as_posix() for p in (docs / "validations").rglob("*.html")]
    assert pages and all(second.run_id in p for p in pages)  # the previous run's pages are gone
    assert sorted(p.name for p in tmp_path.joinpath("output").iterdir()) == ["data-docs"]  # no temporary left


def test_make_offline_strips_cdn_tags_and_links_the_local_stylesheet(tmp_path):
    page = tmp_path / "validations" / "suite" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap.min.css"/>'
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script></head><body>'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png">'
        '<a href="https://greatexpectations.io">GX</a></body></html>', encoding="utf-8")
    assert len(remote_resources(tmp_path)) == 3
    make_offline(tmp_path)
    text = page.read_text(encoding="utf-8")
    assert remote_resources(tmp_path) == []
    assert 'href="../../static/styles/csw-offline.css"' in text and 'src="../../static/images/logo-long.png"' in text
    assert '<a href="https://greatexpectations.io">' in text  # a link the reader may click is kept
