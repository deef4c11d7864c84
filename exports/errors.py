"""The one exception an export raises when it will not write anything."""

from __future__ import annotations


class ExportRefused(Exception):
    """An export was refused before anything was written; the message is the one-line reason shown to people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class HeldBack(ExportRefused):
    """One authority's return held back by a blocking data-quality failure of its own (or of every authority's,
    such as reference data): in a hub the other authorities' returns are still written (docs/regional-hub.md)."""
