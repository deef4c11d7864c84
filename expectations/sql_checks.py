"""The checks written as SQL, stored like the suites: the cross-table checks (expectations/cross_checks.py:
loads, staging relationships, reconciliation, period completeness) and the DfE rules
(expectations/dfe_rules.py, suite `dfe_validation`)."""

from __future__ import annotations

from expectations import verdicts
from expectations.results import CheckResult
from foundation.warehouse import Connection


def check_cross_tables(con: Connection) -> list[CheckResult]:
    """One result per cross-table check, in the suite it names."""
    from expectations.cross_checks import evaluate

    checked_at = verdicts.now()
    return [
        verdicts.from_sql_check(
            suite=o.check.suite, check_name=o.check.check_name, feed=o.check.feed, table_name=o.check.table_name,
            severity=o.check.severity, message=o.check.message, failing_rows=o.failing_rows,
            sample_keys=o.sample_keys, error=o.error, checked_at=checked_at, missing=o.missing)
        for o in evaluate(con)
    ]


def check_dfe_rules(con: Connection) -> list[CheckResult]:
    """One result per DfE rule (suite `dfe_validation`, check `<source> <code>`)."""
    from expectations.dfe_rules import SUITE, evaluate_rules

    checked_at = verdicts.now()
    return [
        verdicts.from_sql_check(
            suite=SUITE, check_name=o.rule.check_name, feed="case_system",
            table_name=(o.rule.tables[0] if o.rule.tables else None), severity=o.rule.severity,
            message=o.rule.message, failing_rows=o.failing_rows, sample_keys=o.sample_keys, error=o.error,
            checked_at=checked_at, missing=o.missing)
        for o in evaluate_rules(con)
    ]
