"""Great Expectations, imported with telemetry off: the only module that imports it.

Importing GX takes several seconds, so `expectations/__init__.py` does not import this module; the
suites and the validators import it when they run.
"""

from __future__ import annotations

import logging

from foundation.settings import disable_telemetry

disable_telemetry()  # must precede the import below: GX reads GX_ANALYTICS_ENABLED when it loads

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.metadata_types import FailureSeverity  # noqa: E402
from great_expectations.expectations.row_conditions import Column  # noqa: E402

# GX logs its ephemeral docs-site temp folder at INFO on every run; keep command output to what we print.
for _name in ("great_expectations", "great_expectations.data_context.types.base"):
    logging.getLogger(_name).setLevel(logging.WARNING)

__all__ = ["Column", "FailureSeverity", "ProgressBarsConfig", "RunIdentifier", "gx", "gxe"]
