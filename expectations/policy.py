"""The severity policy: the one place that decides whether a failed check blocks the regional return or is a
warning listed on its Data quality sheet (`expectations/policy.yml`, or the file `CSW_DQ_POLICY` names).

Each entry names checks by `suite` and `check` (shell-style globs: `dfe_validation` / `CIN *`), optionally
only those whose code `declared` a severity (a DfE error, not a query), says what they are (`blocking` or
`warning`) and why, and may block only above a threshold, as dbt's `error_if` does: `block_if: "> 5%"` of the rows the check read (GX's `3 of 1,200 rows`), or of a named scope (`of:
children_in_need`, `children_looked_after`), or `block_if: "> 10"` failing rows. Below the threshold the
failure is a warning whose message says the proportion and the threshold. The LAST entry that matches a
check decides (general entries first, exceptions after, as in .gitignore); a check no entry matches keeps
the severity its code declares (suites.py, cross_checks.py, dfe_rules.py): the code proposes, the policy
decides. A threshold that cannot be measured (no denominator) leaves the check blocking, never quieter.

The file is validated when it is loaded: an unknown key, an unknown severity or scope, a malformed
threshold, a missing `why`, or a pattern that matches no check the project runs is refused with a one-line
reason naming the file and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

import yaml

from expectations.results import CheckResult
from foundation.warehouse import Connection

POLICY_FILE = Path(__file__).with_name("policy.yml")
BLOCKING = "blocking"
WARNING = "warning"
SEVERITIES = (BLOCKING, WARNING)
_TOP_KEYS = ("checks",)
_ENTRY_KEYS = ("suite", "check", "declared", "severity", "why", "block_if", "of")
_THRESHOLD = re.compile(r"\s*(?P<op>>=|>)\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<percent>%?)\s*")
_OF_ROWS = re.compile(r"\d[\d,]* of (?P<total>\d[\d,]*) rows")

# What a percentage is of, when not the rows the check read: children in the current case-system extract.
ROWS = "rows"
SCOPES = {
    ROWS: None,  # the check's own denominator (`N of M rows`)
    "children_in_need": ("case_system__ssd_cin_episodes", "cine_person_id"),
    "children_looked_after": ("case_system__ssd_cla_episodes", "clae_person_id"),
}
# With no SSD extract loaded, a scope is measured on the staging model its SSD table feeds, which then holds the
# statutory returns' rows (SSDA903, CIN census: macros/statutory_sources.sql), so their DfE rules are measured too.
STATUTORY_SCOPES = {"children_in_need": "stg_case_system__referrals",
                    "children_looked_after": "stg_case_system__cla_episodes"}
# Checks a table's run names itself (expectations/table_checks.py, verdicts.py), beside those of the suites and
# SQL checks: of every raw suite, of the indicator mart's, of the breakdowns'.
_TABLE_RUN_CHECKS = {
    "raw": (("table_is_loaded", WARNING), ("suite_could_run", BLOCKING)),
    "mart": (("marts_are_built", BLOCKING), ("suite_could_run", BLOCKING)),
    "breakdowns": (("table_is_built", WARNING), ("suite_could_run", BLOCKING)),
}


class PolicyError(ValueError):
    """The policy file is not valid; the one-line message names the file, the entry and what is wrong."""


@dataclass(frozen=True)
class Threshold:
    op: str  # > or >=
    number: float
    percent: bool
    text: str  # as written in the file

    def exceeded(self, failing: int, total: int | None) -> bool | None:
        """Whether `failing` crosses the threshold; None when a percentage has no denominator to measure."""
        if self.percent:
            if not total:
                return None
            measured = 100.0 * failing / total
        else:
            measured = float(failing)
        return measured >= self.number if self.op == ">=" else measured > self.number


@dataclass(frozen=True)
class Entry:
    suite: str
    check: str
    severity: str
    why: str
    block_if: Threshold | None = None
    of: str = ROWS
    number: int = 0  # 1-based position in the file, for messages
    declared: str | None = None  # only checks whose code declares this severity (e.g. DfE errors, not queries)

    def matches(self, suite: str, check_name: str, declared: str | None) -> bool:
        return (fnmatchcase(suite, self.suite) and fnmatchcase(check_name, self.check)
                and self.declared in (None, declared))

    @property
    def label(self) -> str:
        declared = f", declared {self.declared}" if self.declared else ""
        return f"entry {self.number} ({self.suite} / {self.check}{declared})"


@dataclass(frozen=True)
class Policy:
    entries: tuple[Entry, ...]
    source: Path

    def entry_for(self, suite: str, check_name: str, declared: str) -> Entry | None:
        """The last entry that matches the check and the severity its code declares, or None (it keeps that)."""
        for entry in reversed(self.entries):
            if entry.matches(suite, check_name, declared):
                return entry
        return None

    def severity_of(self, suite: str, check_name: str, declared: str) -> str:
        """The severity of a failure of this check before any threshold is measured."""
        entry = self.entry_for(suite, check_name, declared)
        return entry.severity if entry else declared


def load(path: Path | None = None, *, known: Sequence[tuple[str, str, str]] | None = None) -> Policy:
    """Read and validate the policy file (default: `expectations/policy.yml`). `known` are the (suite, check,
    declared severity) an entry must match at least one of (default: every check the project runs)."""
    path = Path(path or POLICY_FILE)
    where = str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{where}: cannot read the policy file: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"{where}: not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(document, dict):
        raise PolicyError(f"{where}: expected a mapping with the key 'checks', found {type(document).__name__}")
    unknown = sorted(set(document) - set(_TOP_KEYS))
    if unknown:
        raise PolicyError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_TOP_KEYS)})")
    items = document.get("checks") or []
    if not isinstance(items, list):
        raise PolicyError(f"{where}: 'checks' must be a list of entries")
    entries = tuple(_entry(where, number, item) for number, item in enumerate(items, start=1))
    names = catalogue() if known is None else list(known)
    for entry in entries:
        if not any(entry.matches(suite, check, declared) for suite, check, declared in names):
            raise PolicyError(f"{where}: {entry.label}: matches no check the project runs "
                              "(suite and check are globs over the names `csw check` prints)")
    return Policy(entries, path)


def _entry(where: str, number: int, item: object) -> Entry:
    at = f"{where}: entry {number}"
    if not isinstance(item, dict):
        raise PolicyError(f"{at}: expected a mapping (suite, check, severity, why), found {item!r}")
    unknown = sorted(set(item) - set(_ENTRY_KEYS))
    if unknown:
        raise PolicyError(f"{at}: unknown key {unknown[0]!r} (known: {', '.join(_ENTRY_KEYS)})")
    suite, check = str(item.get("suite", "*")), str(item.get("check", "*"))
    if "suite" not in item and "check" not in item:
        raise PolicyError(f"{at}: name the checks it covers with 'suite' and/or 'check' (globs)")
    at = f"{where}: entry {number} ({suite} / {check})"
    severity = item.get("severity")
    if severity not in SEVERITIES:
        raise PolicyError(f"{at}: unknown severity {severity!r} (known: {', '.join(SEVERITIES)})")
    declared = item.get("declared")
    if declared is not None and declared not in SEVERITIES:
        raise PolicyError(f"{at}: unknown declared severity {declared!r} (known: {', '.join(SEVERITIES)})")
    why = str(item.get("why") or "").strip()
    if not why:
        raise PolicyError(f"{at}: say why with 'why' (it is shown beside the decision)")
    threshold = None
    if "block_if" in item:
        if severity != BLOCKING:
            raise PolicyError(f"{at}: block_if goes with severity blocking (below it the failure is a warning)")
        text = str(item["block_if"])
        match = _THRESHOLD.fullmatch(text)
        if not match:
            raise PolicyError(f"{at}: block_if {text!r} is not a threshold like '> 5%' or '>= 10'")
        threshold = Threshold(match["op"], float(match["number"]), bool(match["percent"]), text.strip())
    of = str(item.get("of", ROWS))
    if of not in SCOPES:
        raise PolicyError(f"{at}: unknown scope of: {of!r} (known: {', '.join(SCOPES)})")
    if "of" in item and (threshold is None or not threshold.percent):
        raise PolicyError(f"{at}: 'of' says what a percentage is of: it goes with a block_if like '> 5%'")
    return Entry(suite, check, severity, why, threshold, of, number, declared)


# --- the checks the project runs ------------------------------------------------------------------------


def catalogue() -> list[tuple[str, str, str]]:
    """(suite, check, declared severity) of every check `csw check` can store (raw suites for every contract,
    the marts' suites, the cross-table checks, the DfE rules and the table runs' own)."""
    return list(_catalogue())


@lru_cache(maxsize=1)
def _catalogue() -> tuple[tuple[str, str, str], ...]:
    from datetime import date

    from expectations import cross_checks, dfe_rules, suites
    from ingest.contracts import all_tables

    # the suites' checks as the suites are built from them (names and severities do not depend on the date);
    # no GX suite is built for this
    kinds = [("raw", suites.suite_name("raw", contract.raw_table), suites.raw_checks(contract, date(2000, 1, 1)))
             for contract in all_tables()]
    kinds += [("mart", suites.suite_name("marts", suites.MART_TABLE), suites.mart_checks()),
              ("breakdowns", suites.suite_name("marts", suites.BREAKDOWN_TABLE), suites.breakdown_checks())]
    rows = []
    for kind, suite, checks in kinds:
        rows += [(suite, check.check_name, check.severity) for check in checks]
        rows += [(suite, check, severity) for check, severity in _TABLE_RUN_CHECKS[kind]]
    rows += [(c.suite, c.check_name, c.severity) for c in cross_checks.CHECKS]
    rows += [(dfe_rules_suite(), r.check_name, r.severity) for r in dfe_rules.RULES]
    return tuple(dict.fromkeys(rows))


def dfe_rules_suite() -> str:
    from expectations.dfe_rules import SUITE

    return SUITE


# --- deciding -------------------------------------------------------------------------------------------


def apply(con: Connection, results: Iterable[CheckResult], policy: Policy | None = None) -> list[CheckResult]:
    """Each result with the severity the policy decides (the run's one call, before results are
    stored). A failure under an entry's threshold becomes a warning and its message says by how much."""
    if policy is None:
        from foundation.settings import get_settings

        policy = load(get_settings().dq_policy)
    results = list(results)
    sizes: dict[tuple[str, str | None], int | None] = {}
    decided = []
    for result in results:
        entry = policy.entry_for(result.suite, result.check_name, result.severity)
        if entry is None:
            decided.append(result)
            continue
        if entry.block_if is None or not result.failed:
            decided.append(replace(result, severity=entry.severity))
            continue
        scope = (entry.of, result.la_code)  # a hub's failure is measured against its own authority's children
        if scope not in sizes:
            sizes[scope] = _scope_size(con, entry.of, result.la_code)
        decided.append(_measured(result, entry, sizes[scope]))
    return decided


def _measured(result: CheckResult, entry: Entry, scope_size: int | None) -> CheckResult:
    """A failed result under an entry with a threshold: blocking above it, a warning (saying so) below it."""
    threshold = entry.block_if
    assert threshold is not None
    failing = result.failing_rows
    total = _rows_read(result.observed_value) if entry.of == ROWS else scope_size
    over = None if failing is None else threshold.exceeded(failing, total)
    if over is None:  # cannot be measured: the check keeps blocking, and says why
        why = "no failing-row count" if failing is None else f"no {entry.of.replace('_', ' ')} to measure against"
        return replace(result, severity=BLOCKING,
                       message=f"{result.message} [policy: blocks, {why} for block_if {threshold.text}]")
    if threshold.percent:
        measured = f"{failing:,} = {100.0 * failing / total:.1f}% of {total:,} {entry.of.replace('_', ' ')}"
    else:
        measured = f"{failing:,} rows"
    verdict = "blocks" if over else "a warning"
    return replace(result, severity=BLOCKING if over else WARNING,
                   message=f"{result.message} [policy: {measured}; {verdict} (blocks if {threshold.text})]")


def _rows_read(observed: str | None) -> int | None:
    match = _OF_ROWS.match(observed or "")
    return int(match["total"].replace(",", "")) if match else None


def _scope_size(con: Connection, scope: str, la_code: str | None = None) -> int | None:
    """Distinct children in the current batch of the scope's table, else (no SSD rows) in the staging model the
    statutory returns fill, of authority `la_code` (None: of every authority, a person id being an authority's);
    None if neither can be read."""
    spec = SCOPES[scope]
    if spec is None:
        return None
    from foundation.warehouse import first_row, table_exists
    from expectations.current_rows import current_rows_sql

    table, person = spec
    row = None
    params = [] if la_code is None else [la_code]
    if table_exists(con, "raw", table) and table_exists(con, "raw", "_loads"):
        row = first_row(con, f"select count(distinct scope._la_code || ':' || scope.\"{person}\") "
                             f"from {current_rows_sql(table, alias='scope')}"
                             + ("" if la_code is None else " where scope._la_code = $1"), params)
    if not (row and row[0]) and table_exists(con, "staging", STATUTORY_SCOPES[scope]):
        row = first_row(con, f"select count(distinct child_key) from staging.{STATUTORY_SCOPES[scope]}"
                             + ("" if la_code is None else " where la_code = $1"), params)
    return int(row[0]) if row and row[0] else None  # none: no denominator, so the check keeps blocking
