"""The pages people read: the quarterly scorecard, a page per indicator, the corporate parenting panel report
and the data-quality page, as static HTML that opens with no server and no network (`csw report scorecard`,
docs/scorecard.md). Charts are SVG drawn at build time by Vega-Lite (vl-convert), each with its data table."""
