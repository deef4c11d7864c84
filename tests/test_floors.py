"""The house's floors look only down: no package imports from a floor above its own (docs/layout.md).

foundation (settings, warehouse connection, mail, quarters) → ingest → expectations → exports → csw (the
command line) and dags; the benchmark (`bench`) on top, which nothing imports. `synthetic` (the demo-data
generator) stands beside the house: it may import `exports` and the floors below it, and only the command line's
`csw generate` and the benchmark import it. Every import counts, at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"foundation": 0, "ingest": 1, "expectations": 2, "exports": 3, "csw": 4, "dags": 4, "bench": 5}
SIDE = "synthetic"
SIDE_STANDS_ON = FLOORS["exports"]  # the generator writes what the product reads: contracts, the return's columns
MAY_IMPORT_SIDE = {"csw/cli.py", *(f"bench/{p.name}" for p in (ROOT / "bench").glob("*.py"))}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every import of a project package in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names
                  if name.split(".")[0] in FLOORS or name.split(".")[0] == SIDE]
    return found


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_every_product_package_has_a_floor():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {SIDE, "tests"} <= set(FLOORS), f"give {packages - set(FLOORS) - {SIDE}} a floor"


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_no_import_from_a_floor_above(package):
    wrong = []
    for path in _sources(package):
        relative = path.relative_to(ROOT).as_posix()
        for line, imported in _imports(path):
            if imported == SIDE:
                if relative not in MAY_IMPORT_SIDE:
                    wrong.append(f"{relative}:{line} imports {SIDE} (only {sorted(MAY_IMPORT_SIDE)} may)")
            elif FLOORS[imported] > FLOORS[package]:
                wrong.append(f"{relative}:{line} (floor {FLOORS[package]}) imports {imported} (floor {FLOORS[imported]})")
    assert not wrong, "imports from a floor above:\n" + "\n".join(wrong)


def test_the_generator_is_outside_the_product():
    assert not (ROOT / "csw" / "generate").exists()
    assert (ROOT / SIDE / "__init__.py").exists()


def test_the_generator_stands_on_exports_and_below():
    """The generator never runs the product (the benchmark does, from `bench`): so `csw generate` imports down."""
    wrong = [f"{path.relative_to(ROOT).as_posix()}:{line} imports {imported} (floor {FLOORS[imported]})"
             for path in _sources(SIDE) for line, imported in _imports(path)
             if imported != SIDE and FLOORS[imported] > SIDE_STANDS_ON]
    assert not wrong, f"{SIDE} imports above {SIDE_STANDS_ON}:\n" + "\n".join(wrong)


def test_nothing_imports_the_benchmark():
    wrong = [f"{path.relative_to(ROOT).as_posix()}:{line}" for package in [*FLOORS, SIDE] if package != "bench"
             for path in _sources(package) for line, imported in _imports(path) if imported == "bench"]
    assert not wrong, "the benchmark is imported by: " + ", ".join(wrong)


def test_the_check_sees_an_upward_import(tmp_path):
    """The checker itself: an import inside a function is found, a relative import is not a package."""
    source = tmp_path / "probe.py"
    source.write_text("import os\nfrom foundation.settings import Settings\n\ndef f():\n    from csw.cli import main\n"
                      "from . import sibling\n", encoding="utf-8")
    assert _imports(source) == [(2, "foundation"), (5, "csw")]
