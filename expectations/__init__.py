"""Data quality checks (`csw check`): Great Expectations suites built from the feed contracts and the
indicator catalogue, run over the current raw batches and the indicator mart, stored in `dq.*`.

Importing this package is cheap: Great Expectations is imported only when `run_checks` runs.
"""

from expectations.checkpoint import run_checks
from expectations.results import CheckFailure, CheckResult, CheckRun

__all__ = ["CheckFailure", "CheckResult", "CheckRun", "run_checks"]
