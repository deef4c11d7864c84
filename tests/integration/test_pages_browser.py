"""The scorecard, indicator, panel and data-quality pages in a real browser (Debian's Chromium through
Playwright): every page loads with no console error and no request off the machine, every indicator of the
regional return is on the scorecard with the value the mart holds, every chart has its table, the RAG words
match the rule, the PDF prints, and the sharing version shows no small number.

The pages are built once per module from the shared `pipeline` run (on a copy of its warehouse, so the
commentary written here never reaches the other tests); one headless Chromium visits them and refuses every
request that is not a file:// URL."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from exports.regional.suppression import must_suppress
from exports.reports.pdf import chromium_path
from tests.integration.conftest import run_csw

PERIOD = "2024-25Q4"


@dataclass
class BuiltPages:
    internal: Path
    sharing: Path
    warehouse: Path
    data_docs: Path
    seconds: float

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)


@pytest.fixture(scope="module")
def built_pages(pipeline, tmp_path_factory) -> BuiltPages:
    base = tmp_path_factory.mktemp("pages")
    warehouse = base / "csw.duckdb"
    shutil.copy(pipeline.warehouse, warehouse)
    env = dict(pipeline.env, CSW_WAREHOUSE=str(warehouse))
    run_csw(["commentary", "set", "REREF_12M_PCT", PERIOD, "A first draft.", "--by", "Ann"], env)
    run_csw(["commentary", "set", "REREF_12M_PCT", PERIOD, "Re-referrals fell after the front-door review.",
             "--by", "Bea"], env)
    started = time.perf_counter()
    run_csw(["report", "scorecard", "--period", PERIOD, "--out", str(base / "out"), "--pdf"], env)
    seconds = time.perf_counter() - started
    run_csw(["report", "scorecard", "--period", PERIOD, "--out", str(base / "out"), "--sharing"], env)
    return BuiltPages(base / "out" / "scorecard" / PERIOD, base / "out" / "scorecard" / f"{PERIOD}-sharing",
                      warehouse, pipeline.output / "data-docs", seconds)


@dataclass
class Visit:
    console_errors: list[str]
    remote_requests: list[str]


class Browser:
    """One tab; `visit` loads a local page and reports console errors and any request off the machine."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page()
        self._errors: list[str] = []
        self._remote: list[str] = []
        self.page.on("console", lambda m: self._errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self._errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self._remote.append(route.request.url)
            route.abort()

    def visit(self, path: Path) -> Visit:
        self._errors.clear()
        self._remote.clear()
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        return Visit(list(self._errors), list(self._remote))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield Browser(chromium)
        finally:
            chromium.close()



def _number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").replace("days", "").strip())


def _expected_word(better, compare_with, value, reference, amber_band) -> str:
    """The RAG rule worked by hand: the gap is how much worse than the reference (by `better`)."""
    if compare_with is None or better is None:
        return "No rule"
    if value is None or reference is None:
        return "Not rated"
    gap = round((value - reference) if better == "low" else (reference - value), 6)
    return "Green" if gap <= 0 else "Amber" if gap <= round(amber_band, 6) else "Red"


def test_every_page_loads_offline_without_console_errors(built_pages, browser):
    pages = sorted(built_pages.internal.rglob("*.html")) + sorted(built_pages.sharing.rglob("*.html"))
    assert len(pages) == 2 * (3 + 74)  # scorecard, panel, data quality and one page per catalogue indicator
    problems = {}
    for page in pages:
        visit = browser.visit(page)
        if visit.console_errors or visit.remote_requests:
            problems[page.name] = (visit.console_errors, visit.remote_requests)
    assert problems == {}
    print(f"built the pages with one PDF per report in {built_pages.seconds:.1f} s")


def test_every_indicator_of_the_return_is_on_the_scorecard_with_the_mart_value(built_pages, browser):
    rows = built_pages.connect().execute(
        "select indicator_id, unit, value from marts.rpt_scorecard where period_label = $1 and in_regional_return",
        [PERIOD]).fetchall()
    assert len(rows) == 27
    browser.visit(built_pages.internal / "index.html")
    for indicator_id, unit, value in rows:
        cell = browser.page.locator(f'tr[data-indicator="{indicator_id}"] td.value')
        assert cell.count() == 1, indicator_id
        shown = cell.inner_text().replace("†", "").strip()
        tolerance = 0 if unit == "count" else 0.05  # counts exact, the rest to one decimal place
        assert abs(_number(shown) - value) <= tolerance, (indicator_id, shown, value)


def test_every_chart_has_its_table(built_pages, browser):
    for page in [built_pages.internal / "index.html", built_pages.internal / "indicators" / "REREF_12M_PCT.html",
                 built_pages.internal / "indicators" / "CLA_COUNT.html", built_pages.sharing / "index.html"]:
        browser.visit(page)
        svgs = browser.page.locator("svg")
        assert svgs.count() > 0, page
        # every drawing sits in a figure that also holds the table of its figures, with one row per point
        orphans = browser.page.locator("svg:not(figure.chart svg)").count()
        assert orphans == 0, page
        for figure in browser.page.locator("figure.chart").all():
            assert figure.locator("table.chart-data tbody tr").count() > 0, page
            assert figure.locator("svg[role=img][aria-label]").count() <= 1
    browser.visit(built_pages.internal / "indicators" / "REREF_12M_PCT.html")
    trend = browser.page.locator("#trend table.chart-data tbody tr")
    assert trend.count() == 12  # the last 12 quarters
    assert browser.page.locator("#breakdowns figure.chart").count() == 3  # sex, ethnicity, age band


def test_rag_words_match_the_rule(built_pages, browser):
    rows = built_pages.connect().execute(
        "select indicator_id, better, rag_compare_with, value, rag_reference_value, amber_band, rag_word "
        "from marts.rpt_scorecard where period_label = $1", [PERIOD]).fetchall()
    browser.visit(built_pages.internal / "index.html")
    shown = {row.get_attribute("data-indicator"): row.locator(".rag").inner_text()
             for row in browser.page.locator("tr.indicator-row").all()}
    assert len(shown) == 74
    words = set()
    for indicator_id, better, compare_with, value, reference, band, mart_word in rows:
        expected = _expected_word(better, compare_with, value, reference, band)
        assert mart_word == expected == shown[indicator_id], indicator_id
        words.add(expected)
    assert {"Green", "No rule"} <= words  # Darlington's re-referral target is met in the demo; rates have no rule
    assert shown["REREF_12M_PCT"] == "Green" and shown["REF_RATE"] == "No rule"


def test_commentary_newest_line_is_on_the_indicator_page(built_pages, browser):
    browser.visit(built_pages.internal / "indicators" / "REREF_12M_PCT.html")
    text = browser.page.locator("#commentary").inner_text()
    assert "Re-referrals fell after the front-door review." in text and "Bea" in text
    assert "A first draft." not in text


def test_the_pdfs_print_on_a4(built_pages):
    for name in ("scorecard.pdf", "panel.pdf"):
        pdf = (built_pages.internal / name).read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2  # more than one page of A4
        # A4 is 210 x 297 mm = 595.3 x 841.9 points (Chromium rounds the sheet to whole CSS pixels: 595.9 x 842.9)
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert box and abs(float(box[1]) - 595.3) < 1.5 and abs(float(box[2]) - 841.9) < 1.5


def test_the_panel_report_has_its_sections_in_plain_words(built_pages, browser):
    browser.visit(built_pages.internal / "panel.html")
    headings = browser.page.locator("main h2").all_inner_texts()
    assert headings == [
        "Placement stability", "Health and dental checks", "Education and attendance", "Care leavers",
        "Children placed out of area or in external provision", "Children missing from care",
        "Unaccompanied asylum-seeking children", "Children waiting for adoption or permanence"]
    text = browser.page.locator("main").inner_text()
    assert "Long-term placement stability (%):" in text and "This is better than a year ago" in text


def test_sharing_pages_show_no_small_number(built_pages, browser):
    con = built_pages.connect()
    rows = con.execute("select indicator_id, unit, numerator, denominator, value, small_numbers_threshold "
                       "from marts.rpt_scorecard where period_label = $1", [PERIOD]).fetchall()
    browser.visit(built_pages.sharing / "index.html")
    withheld = 0
    for indicator_id, unit, numerator, denominator, value, threshold in rows:
        base = numerator if unit == "count" else denominator
        small = (base is not None and 0 < base < threshold) or must_suppress(unit, numerator, denominator, value)
        shown = browser.page.locator(f'tr[data-indicator="{indicator_id}"] td.value').inner_text().strip()
        assert (shown == "c") == small, (indicator_id, shown, base)
        withheld += small
    assert withheld > 0  # the demo has small figures (adoptions, FGCs), so the rule is exercised
    for page in [built_pages.sharing / "index.html", built_pages.sharing / "panel.html",
                 built_pages.sharing / "indicators" / "REREF_12M_PCT.html"]:
        browser.visit(page)
        text = browser.page.locator("body").inner_text()
        assert "Re-referrals fell after the front-door review." not in text  # no commentary outside the council
        assert "Numerator / denominator" not in text
    assert browser.page.locator("#breakdowns figure").count() == 0


def test_no_page_carries_a_case_system_id(built_pages):
    ids = re.compile(r"\b(?:MS|CH|PER|REF)\d{5,}\b")
    for page in list(built_pages.internal.rglob("*.html")) + list(built_pages.sharing.rglob("*.html")):
        assert not ids.search(page.read_text(encoding="utf-8")), page


def test_data_docs_render_offline_and_list_the_results(built_pages, browser):
    index = built_pages.data_docs / "index.html"
    visit = browser.visit(index)
    assert visit.console_errors == [] and visit.remote_requests == []
    # bootstrap-table draws the validation results from the page's data: rows appear only if its scripts ran
    results = browser.page.locator("#section-1-content-block-2-1-body-table tbody tr")
    assert results.count() == 10  # the first page of results
    suites = len(list((built_pages.data_docs / "validations").iterdir()))  # one validation per GX suite
    assert suites > 10 and f"of {suites} rows" in browser.page.locator("body").inner_text()
    page = next(built_pages.data_docs.glob("validations/*/*/*/*.html"))
    visit = browser.visit(page)
    assert visit.console_errors == [] and visit.remote_requests == []
    assert browser.page.locator("link[href*='static/vendor/bootstrap/']").count() == 1


def test_the_data_quality_page_links_each_check_to_its_data_docs(built_pages, browser):
    browser.visit(built_pages.internal / "data-quality.html")
    assert browser.page.locator("#dq-status").inner_text().startswith("Data quality: the newest check run")
    links = [a.get_attribute("href") for a in browser.page.locator("a").all() if "Data Docs" in a.inner_text()]
    assert links and all((built_pages.internal / href).resolve().is_file() for href in links)
    text = browser.page.locator("#failing-checks").inner_text()
    assert "e.g." not in text  # the check's sample of record ids stays in dq
