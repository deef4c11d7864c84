"""Writing the landing folder: UTF-8 CSV, a header row, `\\n` line ends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_frames(out: Path, frames: dict[str, pd.DataFrame],
                 progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write each frame to `out/<relative path>`; returns rows written per relative path."""
    written: dict[str, int] = {}
    for relative, frame in frames.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written[relative] = len(frame)
        if progress is not None:
            progress(f"{relative}: {len(frame):,} rows")
    return written
