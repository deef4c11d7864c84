"""Render the dbt source YAML of every feed from its contract, so the docs never drift from the loader.

`python -m ingest.core.dbt_sources` rewrites `dbt_project/models/staging/<feed>/_<feed>__sources.yml`;
a test fails when a committed file differs from what the contract renders.
"""

from __future__ import annotations

from pathlib import Path

from foundation.settings import DBT_PROJECT_DIR
from ingest.contracts import FEEDS
from ingest.core.contract import FeedContract

HEADER = "# Generated from ingest/{feed}/schema.py by `python -m ingest.core.dbt_sources`; do not edit by hand.\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(feed: FeedContract) -> str:
    lines = [HEADER.format(feed=feed.feed).rstrip("\n"), "version: 2", "", "sources:", f"  - name: {feed.feed}",
             "    schema: raw", f"    description: {_quote(feed.description)}", "    tables:"]
    for table in feed.tables:
        key = ", ".join(table.key)
        desc = table.description or f"{table.table} ({table.semantics}); key {key}."
        lines += [f"      - name: {table.raw_table}", f"        description: {_quote(desc)}",
                  "        meta:", f"          semantics: {table.semantics}", f"          key: [{key}]",
                  "        columns:"]
        for col in table.columns:
            notes = [col.type, "required" if col.required else "optional"]
            if not col.nullable:
                notes.append("never blank")
            if col.codes:
                notes.append("codes: " + " ".join(col.codes))
            lines += [f"          - name: {col.name}", f"            description: {_quote('; '.join(notes))}"]
    return "\n".join(lines) + "\n"


def source_path(feed: str) -> Path:
    return DBT_PROJECT_DIR / "models" / "staging" / feed / f"_{feed}__sources.yml"


def write_all() -> list[Path]:
    written = []
    for feed in FEEDS.values():
        path = source_path(feed.feed)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(feed), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(f"wrote {p}")
