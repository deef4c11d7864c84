"""Great Expectations, imported with telemetry off: the only module that imports it.

Importing GX takes several seconds, so `expectations/__init__.py` does not import this module; the
suites and the validators import it when they run.
"""

from __future__ import annotations

import logging

from foundation.settings import disable_telemetry

disable_telemetry()  # must precede the import below: GX reads GX_ANALYTICS_ENABLED when it loads

import great_expectations as gx  # noqa: E402
import great_expectations.execution_engine.pandas_execution_engine as _pandas_engine  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.metadata_types import FailureSeverity  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

# GX logs its ephemeral docs-site temp folder at INFO on every run; keep command output to what we print.
for _name in ("great_expectations", "great_expectations.data_context.types.base"):
    logging.getLogger(_name).setLevel(logging.WARNING)

# GX fingerprints every pandas batch under HASH_THRESHOLD bytes (1 GB) by hashing each of its values, for a batch
# marker (`pandas_data_fingerprint`) nothing here reads: what a run checked is its `state` and its results in `dq`.
# That hash was a tenth of a region's `csw check` (13.5 s against 12.3 s, three runs each, docs/performance.md);
# GX itself leaves it out of a larger frame, and so out of every frame here (tests/expectations/test_gx_runs.py).
_pandas_engine.HASH_THRESHOLD = 0

__all__ = ["Column", "FailureSeverity", "ProgressBarsConfig", "RunIdentifier", "gx", "gxe"]
