"""Build the pages of one quarter: the scorecard (index.html), a page per indicator (indicators/<ID>.html),
the corporate parenting panel report (panel.html) and the data-quality page (data-quality.html), from
`read.ScorecardData`, with Jinja2 templates (exports/reports/templates/). Each page is one self-contained
HTML file (styles inline, charts inline SVG): it opens from a folder, an email or a USB stick with no server
and no network.

Sharing mode (`sharing=True`, for readers outside the authority): a figure the regional return would
suppress (exports/regional/suppression.py) or whose base is under the small-numbers threshold is shown as
`c`, numerators, denominators, breakdowns and commentary are left out, and the data-quality page shows counts
only. Without it, small numbers are shown with a caveat mark.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from exports.files import replacing_folder
from exports.regional.read import shareable_observation
from exports.regional.suppression import SUPPRESSED, must_suppress
from exports.reports import charts
from exports.reports.panel import PANEL_SECTIONS, sentence
from exports.reports.read import DqPicture, Indicator, ScorecardData

TEMPLATES = Path(__file__).with_name("templates")
REPORTS = ("scorecard", "panel")
# display groups of the scorecard, in the order a performance meeting reads them; "assessment" is the front
# door's assessment indicators (ASMT_*) on their own
DOMAINS = (
    ("front_door", "Front door"), ("assessment", "Assessment"), ("child_protection", "Child protection"),
    ("looked_after", "Looked after"), ("permanence", "Permanence"), ("care_leavers", "Care leavers"),
    ("health", "Health"), ("education", "Education"), ("workforce", "Workforce"), ("partners", "Partner services"),
)
UNIT_TITLES = {"percent": "%", "rate": "per 10,000 children", "count": "number", "days": "days",
               "score": "score", "ratio": "ratio"}
DIMENSIONS = (("sex", "Sex"), ("ethnicity_group", "Ethnicity"), ("age_band", "Age band"))
RAG_KEY = (
    ("Green", "as good as the reference (the target, last year or the statistical neighbours) or better"),
    ("Amber", "worse than the reference by no more than the amber band"),
    ("Red", "worse than the reference by more than the amber band"),
    ("Not rated", "the indicator has a rule but nothing to compare with this quarter (no figure last year, "
                  "no neighbours' figure published)"),
    ("No rule", "no RAG rule is set for this indicator (seeds/rag_rules.csv): it is shown without a colour"),
    ("Withheld", "the figure is a small number and is not shown on pages shared outside the authority"),
)


@dataclass
class Built:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def domain_of(ind: Indicator) -> str:
    return "assessment" if ind.indicator_id.startswith("ASMT_") else ind.domain


def fmt(value: float | None, unit: str) -> str:
    """A figure as a reader expects it: 14.6 %, 134.7 (per 10,000), 316, 28.9 days."""
    if value is None:
        return "–"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:,.1f} %"
    if unit == "days":
        return f"{value:,.0f} days"
    return f"{value:,.1f}"


class View:
    """What a page may show of the figures: everything, or (sharing) nothing small."""

    def __init__(self, sharing: bool, threshold: float) -> None:
        self.sharing = sharing
        self.threshold = threshold

    def withheld(self, unit: str, numerator: float | None, denominator: float | None, value: float | None) -> bool:
        if not self.sharing:
            return False
        base = numerator if unit == "count" else denominator
        small = base is not None and 0 < base < self.threshold
        return small or must_suppress(unit, numerator, denominator, value)

    def value(self, unit: str, numerator: float | None, denominator: float | None, value: float | None) -> float | None:
        return None if self.withheld(unit, numerator, denominator, value) else value

    def shown(self, unit: str, numerator: float | None, denominator: float | None, value: float | None) -> str:
        return SUPPRESSED if self.withheld(unit, numerator, denominator, value) else fmt(value, unit)


def _relative(target: Path | None, start: Path) -> str | None:
    return None if target is None or not target.exists() else os.path.relpath(target, start).replace(os.sep, "/")


def _check_page(data_docs: Path | None, suite: str, run_id: str | None) -> Path | None:
    """The Data Docs page of a suite's validation in this run, else the suite's page, else the index."""
    if data_docs is None or not data_docs.exists():
        return None
    for page in sorted((data_docs / "validations" / suite / str(run_id)).glob("*/*.html")):
        return page
    suite_page = data_docs / "expectations" / f"{suite}.html"
    return suite_page if suite_page.exists() else data_docs / "index.html"


def dq_line(dq: DqPicture) -> str:
    """The data-quality status of the newest check run, in a sentence every page carries."""
    if dq.run_id is None:
        return "No data-quality check run is recorded in the warehouse: these figures have not been checked."
    return (f"Data quality: the newest check run ({dq.started_at:%d %B %Y %H:%M} UTC) {dq.status.lower()}: "
            f"{dq.checks_run:,} checks, {dq.blocking_failures} blocking failure(s), {dq.warnings} warning(s).")


class Builder:
    def __init__(self, data: ScorecardData, view: View, built_at: datetime, data_docs: Path | None,
                 reports: tuple[str, ...] = REPORTS) -> None:
        self.data, self.view, self.built_at, self.data_docs, self.reports = data, view, built_at, data_docs, reports
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["fmt"] = fmt
        self.by_id = {ind.indicator_id: ind for ind in data.indicators}
        self._cards: dict[str, dict[str, Any]] = {}

    # --- per indicator -------------------------------------------------------------------------------------
    def card(self, ind: Indicator) -> dict[str, Any]:
        """Everything a row of the scorecard and an indicator's page show, with sharing applied (drawn once)."""
        if ind.indicator_id not in self._cards:
            self._cards[ind.indicator_id] = self._card(ind)
        return dict(self._cards[ind.indicator_id])

    def _card(self, ind: Indicator) -> dict[str, Any]:
        v, r = self.view, ind.row
        withheld = v.withheld(ind.unit, ind.numerator, ind.denominator, ind.value)
        last = next((p for p in ind.quarters if p.label == ind.last_year_period_label), None)
        last_withheld = last is not None and v.withheld(ind.unit, last.numerator, last.denominator, last.value)
        months = [(p.label, v.value(ind.unit, p.numerator, p.denominator, p.value)) for p in ind.months]
        rag_word = "Withheld" if withheld and r["rag_status"] else r["rag_word"]
        return {
            "id": ind.indicator_id, "title": ind.title, "unit": ind.unit, "better": ind.better,
            "value": v.shown(ind.unit, ind.numerator, ind.denominator, ind.value),
            "numerator": None if v.sharing else ind.numerator, "denominator": None if v.sharing else ind.denominator,
            "withheld": withheld,
            "small": bool(ind.is_small_number),
            "rag_status": None if withheld else r["rag_status"], "rag_word": rag_word, "rag_rule": r["rag_rule"],
            "target": None if ind.rag_compare_with != "target" else fmt(ind.target, ind.unit),
            "compare_with": ind.rag_compare_with,
            "reference": fmt(ind.rag_reference_value, ind.unit) if ind.rag_reference_value is not None else None,
            "last_year": SUPPRESSED if last_withheld else fmt(ind.last_year_value, ind.unit),
            "last_year_label": ind.last_year_period_label,
            "change_direction": None if withheld or last_withheld else ind.change_direction,
            "regional_mean": fmt(ind.regional_mean, ind.unit) if ind.regional_mean is not None else None,
            "rank": ind.our_rank if not withheld else None, "quartile": ind.our_quartile if not withheld else None,
            "authorities": ind.authorities_reporting,
            "neighbours": fmt(ind.statistical_neighbours_mean, ind.unit)
            if ind.statistical_neighbours_mean is not None else None,
            "england": fmt(ind.england_value, ind.unit) if ind.england_value is not None else None,
            "commentary": None if v.sharing else ind.commentary, "commentary_by": ind.commentary_by,
            "commentary_at": ind.commentary_at,
            "months": [(label, value, SUPPRESSED if value is None and self._withheld_at(ind, ind.months, label)
                        else fmt(value, ind.unit)) for label, value in months],
            "sparkline": charts.sparkline(months, f"{ind.title}: the last {len(months)} months, one point a month")
            if any(value is not None for _, value in months) else None,
        }

    def _withheld_at(self, ind: Indicator, points: list, label: str) -> bool:
        """Whether the figure of `label` among `points` (months or quarters) is there but withheld."""
        point = next(p for p in points if p.label == label)
        return point.value is not None and self.view.withheld(ind.unit, point.numerator, point.denominator, point.value)

    def detail(self, ind: Indicator) -> dict[str, Any]:
        """An indicator's page: the card plus trend, benchmark comparison and breakdowns, each with its table."""
        card, v, unit = self.card(ind), self.view, ind.unit
        us = [(p.label, v.value(unit, p.numerator, p.denominator, p.value)) for p in ind.quarters]
        series: dict[str, list[tuple[str, float | None]]] = {"Us": us}
        if ind.rag_compare_with == "target" and ind.target is not None:
            series["Target"] = [(label, ind.target) for label, _ in us]
        for name, column in (("Statistical neighbours", "statistical_neighbours_mean"), ("England", "england_value"),
                             ("Region", "regional_mean")):
            points = [(label, (ind.quarter_benchmarks.get(label) or {}).get(column)) for label, _ in us]
            if any(value is not None for _, value in points):
                series[name] = points
        trend_table = {"headers": ["Quarter", *series],
                       "rows": [[label, *[self._cell(series[name][i][1], unit, name == "Us" and value is None
                                                     and self._withheld_at(ind, ind.quarters, label))
                                          for name in series]]
                                for i, (label, value) in enumerate(us)]}
        card["trend"] = {
            "svg": charts.trend(series, UNIT_TITLES.get(unit, unit), f"{ind.title} by quarter: {', '.join(series)}")
            if any(value is not None for _, value in us) else None,
            "table": trend_table, "caption": f"{ind.title}, last {len(us)} quarters"}
        comparison = [("Us", v.value(unit, ind.numerator, ind.denominator, ind.value)),
                      ("Region mean", ind.regional_mean), ("Statistical neighbours", ind.statistical_neighbours_mean),
                      ("England", ind.england_value)]
        card["comparison"] = {
            "svg": charts.bars(comparison, UNIT_TITLES.get(unit, unit),
                               f"{ind.title}, {self.data.quarter.label}: us, the region, neighbours and England",
                               highlight="Us") if sum(value is not None for _, value in comparison) > 1 else None,
            "table": {"headers": ["Compared with", "Value"],
                      "rows": [[label, card["value"] if label == "Us" else fmt(value, unit)]
                               for label, value in comparison]},
            "caption": f"How {ind.title.lower()} compares, {self.data.quarter.label}"}
        card["breakdowns"] = []
        if not v.sharing:
            for dimension, title in DIMENSIONS:
                rows = ind.breakdowns.get(dimension) or []
                if not rows:
                    continue
                card["breakdowns"].append({
                    "svg": charts.bars([(r["dimension_value"], r["value"]) for r in rows], UNIT_TITLES.get(unit, unit),
                                       f"{ind.title} by {title.lower()}, {self.data.quarter.label}"),
                    "table": {"headers": [title, "Value", "Numerator", "Denominator"],
                              "rows": [[r["dimension_value"], fmt(r["value"], unit), fmt(r["numerator"], "count"),
                                        fmt(r["denominator"], "count") if r["denominator"] is not None else "–"]
                                       for r in rows]},
                    "caption": f"{ind.title} by {title.lower()}, {self.data.quarter.label}"})
        card["definition"], card["statutory_reference"] = ind.definition, ind.statutory_reference
        return card

    @staticmethod
    def _cell(value: float | None, unit: str, withheld: bool) -> str:
        return SUPPRESSED if withheld else fmt(value, unit)

    # --- pages -----------------------------------------------------------------------------------------------
    def common(self, root: str) -> dict[str, Any]:
        q = self.data.quarter
        return {"la_name": self.data.la_name, "quarter": q.label,
                "quarter_words": f"{q.start:%B} to {q.end:%B %Y}", "built_at": f"{self.built_at:%d %B %Y %H:%M} UTC",
                "dq_line": dq_line(self.data.dq), "sharing": self.view.sharing, "root": root,
                "threshold": f"{self.view.threshold:g}", "rag_key": RAG_KEY, "reports": self.reports}

    def scorecard(self) -> str:
        groups = []
        for key, title in DOMAINS:
            members = sorted((i for i in self.data.indicators if domain_of(i) == key),
                             key=lambda i: (i.regional_return_order or 999, i.indicator_id))
            if members:
                groups.append({"key": key, "title": title, "cards": [self.card(i) for i in members]})
        return self.env.get_template("scorecard.html.j2").render(groups=groups, **self.common(""))

    def indicator(self, ind: Indicator) -> str:
        return self.env.get_template("indicator.html.j2").render(card=self.detail(ind), **self.common("../"))

    def panel(self) -> str:
        sections = []
        for section in PANEL_SECTIONS:
            cards = [self.card(self.by_id[i]) for i in section.indicator_ids if i in self.by_id]
            sections.append({"title": section.title, "intro": section.intro,
                             "lines": [{"card": c, "sentence": sentence(c, self.by_id[c["id"]])} for c in cards],
                             "small": any(c["small"] or c["withheld"] for c in cards)})
        return self.env.get_template("panel.html.j2").render(sections=sections, **self.common(""))

    def data_quality(self, out_dir: Path) -> str:
        dq = self.data.dq
        checks = [{
            "suite": c.suite, "check_name": c.check_name, "severity": c.severity,
            # the plain words of the check, never its sample of failing records (ids stay in dq)
            "words": (c.message or "").split(" — ")[0] or c.check_name,
            "observed": shareable_observation(c.observed_value),
            "acknowledged_by": c.acknowledged_by, "trend": c.trend,
            "link": _relative(_check_page(self.data_docs, c.suite, dq.run_id), out_dir),
        } for c in dq.checks]
        acks = [] if self.view.sharing else dq.acknowledgements
        return self.env.get_template("data_quality.html.j2").render(
            dq=dq, checks=checks, acknowledgements=acks, runs=dq.runs,
            data_docs=_relative(self.data_docs / "index.html" if self.data_docs else None, out_dir),
            **self.common(""))


def build(data: ScorecardData, out_dir: Path, *, sharing: bool = False, threshold: float = 10,
          reports: Iterable[str] = REPORTS, data_docs: Path | None = None, pdf: bool = False) -> Built:
    """Write the pages into `out_dir`, replaced whole (exports.files.replacing_folder: a reader sees the old
    pages or the new ones, never half)."""
    started = time.perf_counter()
    reports = tuple(reports)
    out_dir = Path(out_dir)
    builder = Builder(data, View(sharing, threshold), datetime.now(timezone.utc), data_docs, reports)
    written: list[str] = []
    with replacing_folder(out_dir) as staging:
        def write(name: str, text: str) -> None:
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(name)

        for ind in data.indicators:  # the detail behind both reports
            write(f"indicators/{ind.indicator_id}.html", builder.indicator(ind))
        if "scorecard" in reports:
            write("index.html", builder.scorecard())
            write("data-quality.html", builder.data_quality(out_dir))
        if "panel" in reports:
            write("panel.html", builder.panel())
    built = Built(out_dir, [out_dir / name for name in written])
    if pdf:
        from exports.reports.pdf import print_pdf

        for name, page in (("scorecard", "index.html"), ("panel", "panel.html")):
            if name in reports:
                built.pdfs.append(print_pdf(out_dir / page, out_dir / f"{name}.pdf"))
    built.seconds = time.perf_counter() - started
    return built
