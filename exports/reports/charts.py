"""Charts as inline SVG, drawn at build time by Vega-Lite (vl-convert: no JavaScript in the page, nothing
fetched). Readable in greyscale: one dark ink, series told apart by dash pattern and labelled directly, bars
in shades of grey with their value written beside them. Every chart goes on the page with a data table
(templates: `chart` macro); the SVG itself carries role="img" and a one-line description for screen readers.
A withheld figure (sharing mode) is a gap in a line and a missing bar, never a drawn value."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import vl_convert

_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # a name Vega-Lite reads, never fetched
INK = "#1a1a1a"
_CONFIG = {
    "font": "Arial, Helvetica, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelColor": INK, "titleColor": INK, "domainColor": "#555", "tickColor": "#555", "gridColor": "#ddd",
             "labelFontSize": 11, "titleFontSize": 11},
    "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "orient": "bottom"},
}
# series in a trend chart: solid for us, dashes for the comparisons
DASHES = {"Us": [1, 0], "Target": [2, 2], "Statistical neighbours": [6, 3], "England": [10, 3, 2, 3],
          "Region": [4, 4]}
_SVG_OPEN = re.compile(r"<svg\b")


@lru_cache(maxsize=2048)
def _render(spec_json: str) -> str:
    """One Vega-Lite spec drawn once: the scorecard and its sharing copy repeat many charts (a quarter's pages drew
    346 charts, 255 of them different), and each drawing costs tens of milliseconds of CPU."""
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def _svg(spec: dict[str, Any], description: str) -> str:
    spec = {"$schema": _SCHEMA, "config": _CONFIG, "background": "white", **spec}
    svg = _render(json.dumps(spec, sort_keys=True))
    return _SVG_OPEN.sub(f'<svg role="img" aria-label="{html.escape(description, quote=True)}" focusable="false"',
                         svg, count=1)


def sparkline(values: Sequence[tuple[str, float | None]], description: str) -> str:
    """A 24-month line without axes; the last point marked."""
    data = [{"i": i, "label": label, "value": value} for i, (label, value) in enumerate(values)]
    return _svg({
        "width": 110, "height": 26, "padding": 2,
        "data": {"values": data},
        "layer": [
            {"mark": {"type": "line", "color": INK, "strokeWidth": 1.5},
             "encoding": {"x": {"field": "i", "type": "quantitative", "axis": None},
                          "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}}}},
            {"transform": [{"filter": f"datum.i == {len(data) - 1}"}],
             "mark": {"type": "point", "filled": True, "color": INK, "size": 18},
             "encoding": {"x": {"field": "i", "type": "quantitative"}, "y": {"field": "value", "type": "quantitative"}}},
        ],
    }, description)


def trend(series: dict[str, Sequence[tuple[str, float | None]]], unit_title: str, description: str) -> str:
    """Quarterly lines: us and what we are compared with, told apart by dash pattern (and the legend)."""
    data = [{"quarter": label, "series": name, "value": value}
            for name, points in series.items() for label, value in points]
    names = list(series)
    return _svg({
        "width": 520, "height": 220,
        "data": {"values": data},
        "mark": {"type": "line", "point": {"filled": True, "size": 28, "color": INK}, "color": INK, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "quarter", "type": "ordinal", "sort": None, "title": "Quarter",
                  "axis": {"labelAngle": -40}},
            "y": {"field": "value", "type": "quantitative", "title": unit_title, "scale": {"zero": False}},
            "strokeDash": {"field": "series", "type": "nominal", "title": None,
                           "scale": {"domain": names, "range": [DASHES.get(n, [1, 0]) for n in names]}},
            "shape": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": names, "range": ["circle", "square", "triangle-up", "diamond",
                                                           "cross"][:len(names)]}},
        },
    }, description)


def bars(rows: Sequence[tuple[str, float | None]], unit_title: str, description: str, highlight: str | None = None) -> str:
    """Horizontal bars with their value written at the end; `highlight` (us) in black, the others grey."""
    data = [{"label": label, "value": value, "us": label == highlight} for label, value in rows if value is not None]
    return _svg({
        "width": 360, "height": max(22 * len(data), 22),
        "data": {"values": data},
        "encoding": {"y": {"field": "label", "type": "nominal", "sort": None, "title": None},
                     "x": {"field": "value", "type": "quantitative", "title": unit_title}},
        "layer": [
            {"mark": {"type": "bar", "stroke": INK, "strokeWidth": 0.5},
             "encoding": {"color": {"field": "us", "type": "nominal", "legend": None,
                                    "scale": {"domain": [True, False], "range": [INK, "#b0b0b0"]}}}},
            {"mark": {"type": "text", "align": "left", "dx": 3, "color": INK, "fontSize": 11},
             "encoding": {"text": {"field": "value", "type": "quantitative", "format": ",.1f"}}},
        ],
    }, description)
