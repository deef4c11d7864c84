"""Data to Insight's validators reading a statutory return and nothing else: the step to time against our loader
(docs/statutory/sources.md, "Measured").

Run by the validators' own interpreter (`make validators-venv`), never the project's; it imports only the standard
library and their packages, as expectations/dfe_validators/driver.py does:

    .venv-validators/bin/python synthetic/validator_read.py ssda903 FOLDER_OF_903_CSVS
    .venv-validators/bin/python synthetic/validator_read.py cin CENSUS.xml
    .venv-validators/bin/python synthetic/validator_read.py import ssda903|cin   # the imports alone, to subtract

- ssda903: `lac_validator.ingress.read_from_text`, which `LacValidator` calls first: each CSV recognised by its
  columns and read into pandas;
- cin: `ET.parse` of the file, then `cin_validator.convert_data` and `process_data`, the three steps before
  `CinValidator` runs its rules (`python -m cin_validator run` does the same).

It prints one line: what was read (tables and rows), the seconds the read took inside the process and, apart,
the seconds their imports took before it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def read_903(folder: Path) -> dict:
    from lac_validator.ingress import read_from_text

    files = [{"name": p.name, "file_content": p.read_bytes(), "description": "This year"}
             for p in sorted(folder.glob("*.csv"))]
    frames, _ = read_from_text(raw_files=files)
    return frames


def read_cin(path: Path) -> dict:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    return cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("ssda903", "cin", "import"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if argv[1] == "import":
        started = time.perf_counter()
        __import__("lac_validator.ingress" if argv[2] == "ssda903" else "cin_validator.cin_validator")
        print(f"imported {argv[2]}'s reader in {time.perf_counter() - started:.3f} s")
        return 0
    started = time.perf_counter()
    __import__("lac_validator.ingress" if argv[1] == "ssda903" else "cin_validator.cin_validator")
    imported = time.perf_counter()
    frames = (read_903 if argv[1] == "ssda903" else read_cin)(Path(argv[2]))
    done = time.perf_counter()
    rows = sum(len(f) for f in frames.values() if hasattr(f, "columns"))
    print(f"{argv[1]}: {len(frames)} tables, {rows} rows read in {done - imported:.3f} s "
          f"(their imports before it: {imported - started:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
