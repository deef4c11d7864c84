"""Shared test set-up: the repo root importable, telemetry off, and nothing written outside tmp dirs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from csw.settings import disable_telemetry  # noqa: E402

disable_telemetry()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings pointing at a fresh warehouse, quarantine and output under tmp_path."""
    from csw.settings import get_settings

    monkeypatch.setenv("CSW_WAREHOUSE", str(tmp_path / "warehouse" / "csw.duckdb"))
    monkeypatch.setenv("CSW_QUARANTINE", str(tmp_path / "quarantine"))
    monkeypatch.setenv("CSW_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("CSW_LA_CODE", "841")
    return get_settings()
