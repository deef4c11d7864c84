"""One suite's validation in a check run's GX context, the same on both routes (`gx_pandas`, `gx_postgres`).

GX's work grows with each metric an expectation asks for, and the metrics follow the result format: SUMMARY
adds the failing rows' indices and an index query to BASIC's unexpected count and values. Only a failure reads
those, so a suite is validated with BASIC first and, if any of its expectations failed (or could not run),
again with the run's own format, whose result replaces the first in the context's results store (same suite,
run and batch): the results and the Data Docs are those of the run's format, and a suite that passes is
validated once, cheaply.

Each suite is added to the context once, with its validation definition, and the definition is reused while
the same suite runs on the same batch definition (a failure's re-run per authority); `add_or_update`, which
compares and re-saves the suite on every call, is left for a suite that replaces another of its name.
"""

from __future__ import annotations

import warnings
from typing import Any

_DETAILED = ("SUMMARY", "COMPLETE")


class SuiteRuns:
    def __init__(self, context: Any, result_format: dict[str, Any], run_id: Any) -> None:
        self.context = context
        self._result_format = result_format
        self._run_id = run_id
        self._definitions: dict[str, tuple[Any, Any, Any]] = {}  # suite name: (suite, batch definition, definition)

    def validate(self, suite: Any, batch_definition: Any, result_format: dict[str, Any] | None = None,
                 **batch_parameters: Any) -> list[Any]:
        """The results of `suite` on the batch (`batch_parameters`: the dataframe on pandas), each expectation's
        as the run's result format (or `result_format`) gives it."""
        result_format = result_format or self._result_format
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GX and pandas deprecation chatter would drown the command output
            definition = self._definition(suite, batch_definition)
            if str(result_format.get("result_format", "")).upper() in _DETAILED:
                first = definition.run(batch_parameters=batch_parameters or None,
                                       result_format={**result_format, "result_format": "BASIC"}, run_id=self._run_id)
                if first.success:
                    return list(first.results)
            result = definition.run(batch_parameters=batch_parameters or None, result_format=result_format,
                                    run_id=self._run_id)
            return list(result.results)

    def _definition(self, suite: Any, batch_definition: Any) -> Any:
        from expectations._gx import gx

        known = self._definitions.get(suite.name)
        if known is not None and known[0] is suite and known[1] is batch_definition:
            return known[2]
        if known is None:
            added = self.context.suites.add(suite)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=added))
        else:
            added = self.context.suites.add_or_update(suite)
            definition = self.context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=added))
        self._definitions[suite.name] = (suite, batch_definition, definition)
        return definition
