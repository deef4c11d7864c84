"""The DfE validators' venv (`make validators-venv`; `make test` builds it first) and one run of each validator
on the hand-written synthetic files in data/, shared by the module's tests. Without the venv these tests skip,
saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SSDA903_DIR = DATA / "ssda903"
CIN_FILE = DATA / "cin" / "cin_census_2024-25.xml"
YEAR = "2024-25"


@pytest.fixture(scope="session")
def validators_python() -> Path:
    from foundation.settings import get_settings

    python = get_settings().validators_python
    if not python.is_file():
        pytest.skip(f"the DfE validators' venv is missing ({python}): run `make validators-venv`")
    return python


@pytest.fixture(scope="session")
def run_903(validators_python):
    from expectations.dfe_validators.runner import run_validator

    return run_validator("ssda903", YEAR, SSDA903_DIR, python=validators_python)


@pytest.fixture(scope="session")
def run_cin(validators_python):
    from expectations.dfe_validators.runner import run_validator

    return run_validator("cin", YEAR, CIN_FILE, python=validators_python)
