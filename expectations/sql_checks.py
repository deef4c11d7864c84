"""The checks written as SQL, stored like the suites: the cross-table checks (expectations/cross_checks.py:
loads, staging relationships, reconciliation, period completeness) and the DfE rules
(expectations/dfe_rules.py, suite `dfe_validation`).

Each check's failing rows carry their authority (`la_code`): a check failing in a hub's authority 840 is a
result of 840's (`la_code` 840, its own count and sample), and when other authorities of the warehouse pass it
one result without an authority says so for them (docs/regional-hub.md: a gate per authority)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from expectations import verdicts
from expectations.results import CheckResult
from foundation.warehouse import Connection, table_exists


def warehouse_authorities(con: Connection) -> set[str]:
    """The authorities with a file loaded (`raw._loads.la_code`): whom a SQL check that found nothing passes."""
    if not table_exists(con, "raw", "_loads"):
        return set()
    return {r[0] for r in con.execute(
        "select distinct la_code from raw._loads where outcome = 'loaded' and la_code is not null").fetchall()}


def per_authority(outcome: Any, authorities: set[str], checked_at: datetime, *, message: str,
                  **check: Any) -> list[CheckResult]:
    """A SQL check's results: one (no authority) when it passed, could not run or did not run; else one per
    authority with failing rows and, when other authorities of the warehouse have none, one passed for them.
    In a warehouse of several authorities a failure's message starts with its authority."""
    if outcome.error is not None or outcome.missing or not outcome.failing_rows:
        return [verdicts.from_sql_check(**check, message=message, failing_rows=outcome.failing_rows,
                                        sample_keys=outcome.sample_keys, error=outcome.error, checked_at=checked_at,
                                        missing=outcome.missing)]
    failing = outcome.by_authority
    several = len(authorities | {code for code in failing if code is not None}) > 1
    results = [
        verdicts.from_sql_check(**check, message=f"authority {code}: {message}" if several and code else message,
                                failing_rows=count, sample_keys=keys, error=None, checked_at=checked_at,
                                la_code=code)
        for code, (count, keys) in failing.items()
    ]
    if None not in failing and authorities - set(failing):
        results.append(verdicts.from_sql_check(**check, message=message, failing_rows=0, sample_keys=[], error=None,
                                               checked_at=checked_at))
    return results


def check_cross_tables(con: Connection) -> list[CheckResult]:
    """The results of each cross-table check, in the suite it names."""
    from expectations.cross_checks import evaluate

    checked_at = verdicts.now()
    authorities = warehouse_authorities(con)
    return [
        result
        for o in evaluate(con)
        for result in per_authority(o, authorities, checked_at, suite=o.check.suite, check_name=o.check.check_name,
                                    feed=o.check.feed, table_name=o.check.table_name, severity=o.check.severity,
                                    message=o.check.message)
    ]


def check_dfe_rules(con: Connection) -> list[CheckResult]:
    """The results of each DfE rule (suite `dfe_validation`, check `<source> <code>`)."""
    from expectations.dfe_rules import SUITE, evaluate_rules

    checked_at = verdicts.now()
    authorities = warehouse_authorities(con)
    return [
        result
        for o in evaluate_rules(con)
        for result in per_authority(o, authorities, checked_at, suite=SUITE, check_name=o.rule.check_name,
                                    feed="case_system", table_name=(o.rule.tables[0] if o.rule.tables else None),
                                    severity=o.rule.severity, message=o.rule.message)
    ]
