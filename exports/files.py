"""Writing an export folder all at once, and hashing what was written."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import re
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timezone
from contextlib import contextmanager
from pathlib import Path


MANIFEST_NAME = "manifest.json"  # beside every export's files: what was written, with SHA-256s
LA_CODE = re.compile(r"[A-Za-z0-9]+")  # an authority's code becomes a folder and file name


def iso_date(day: date | None) -> str | None:
    """A date as the manifests write it (ISO), None as null."""
    return day.isoformat() if day is not None else None


def utc_second(moment: datetime) -> datetime:
    """Naive UTC to the second (a naive input is taken to be UTC already)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)

@contextmanager
def replacing_folder(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside `target`; on success it replaces `target` by rename.

    If the block raises, the temporary folder is removed and `target` is left as it was. The swap is two
    renames on the same file system (old target aside, new folder in, old one deleted), so a reader sees
    either the previous complete folder or the new complete one, never a half-written file; between
    the two renames the folder is briefly absent. Temporary names start with a dot so outbox readers
    skip them.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "new")
    staging.mkdir()  # not tempfile.mkdtemp: its 0700 mode would stay on the published folder
    try:
        yield staging
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    retired = _sibling(target, "old")
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _sibling(target: Path, kind: str) -> Path:
    return target.parent / f".{target.name}.{kind}-{secrets.token_hex(8)}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_in_manifest(manifest: Path, key: str, path: Path, **facts: object) -> dict:
    """Add a file written into a published folder after its swap (the DfE validator's error report) to the
    folder's manifest.json under `key`: its name, SHA-256 and `facts`. The manifest is rewritten beside and
    renamed into place, so a reader sees the old one or the new one; a re-run replaces the entry."""
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document[key] = {"file": path.name, "sha256": sha256_of(path), **facts}
    partial = manifest.with_name(f".{manifest.name}.partial")
    partial.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    partial.replace(manifest)
    return document[key]
