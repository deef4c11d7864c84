"""Do our native DfE rules (expectations/dfe_rules.py, SQL over the raw SSD tables) flag the same children as
Data to Insight's published validators on the return made from the same data? (issue 14 point 5)

The unit compared is the (rule code, child) pair:
- native: each rule's failing records (`failing_key`, a record id) mapped to their child — the person id column
  of the record's own table (`<prefix>_person_id`; a CLA review through its period of care's episodes) —
  i.e. the authority's case-system person id, the id the statutory returns carry (CHILD, LAchildID);
- validator: the (rule_code, child_id) of its findings (dq.dfe_findings or a ValidationRun).

Which codes map: a native rule carrying a DfE code maps to the validator's rule of the same code (both
transcribe the DfE's codes; every native DfE code is in the installed 2024-25 rulesets); the local `L..` rules
have no DfE counterpart and are not compared. For each mapped code the report says which children both flag
(agree), only ours flag (only_native) and only theirs flag (only_validator).

Scope: our rules read the whole current snapshot, a return holds one collection year. Pass `children` (the ids
in the return) to compare only children the return holds; a record of an earlier year that our rule flags for
a child in the return still counts as only_native, which is the disagreement to explain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from expectations.dfe_rules import RULES, DfeRule
from foundation.warehouse import Connection
from ingest.contracts import all_tables
from ingest.core.load import current_batch_sql

SOURCES = {"ssda903": "903", "cin": "CIN"}
_KEY = re.compile(r"select\s+(?:distinct\s+)?\w+\.(\w+)\s+as\s+failing_key", re.IGNORECASE)
_LOCAL = re.compile(r"^L\d+$")


@dataclass
class RuleAgreement:
    native_code: str
    validator_code: str
    agree: set[str] = field(default_factory=set)
    only_native: set[str] = field(default_factory=set)
    only_validator: set[str] = field(default_factory=set)

    @property
    def verdict(self) -> str:
        return "agree" if not self.only_native and not self.only_validator else "differ"


def rule_map(return_name: str, rules: Iterable[DfeRule] = RULES) -> dict[str, str]:
    """Native rule code -> validator rule code, for the return's native rules that carry a DfE code."""
    source = SOURCES[return_name]
    return {r.code: r.code for r in rules if r.source == source and not _LOCAL.match(r.code)}


def coverage(return_name: str, validator_codes: Iterable[str], rules: Iterable[DfeRule] = RULES) -> tuple[int, int]:
    """(native rules mapped to a code in the validator's registry, rules in that registry)."""
    codes = set(validator_codes)
    return len({v for v in rule_map(return_name, rules).values() if v in codes}), len(codes)


def _person_of(key_column: str) -> tuple[str, str]:
    """(derived table, person column expression) that maps a rule's failing_key column to the child."""
    for contract in all_tables():
        if contract.key and contract.key[0] == key_column and contract.raw_table.startswith("case_system__"):
            names = contract.column_names if not callable(contract.column_names) else contract.column_names()
            prefix = key_column.split("_", 1)[0]
            person = f"{prefix}_person_id"
            table = current_batch_sql(contract.raw_table)
            if person in names:
                return f"(select {key_column} as k, {person} as person_id from {table} as t)", "person_id"
            if f"{prefix}_cla_id" in names:  # a CLA review: its period of care's child
                episodes = current_batch_sql("case_system__ssd_cla_episodes")
                return (f"(select distinct t.{key_column} as k, e.clae_person_id as person_id from {table} as t "
                        f"join {episodes} as e on e.clae_cla_id = t.{prefix}_cla_id)", "person_id")
    raise ValueError(f"no SSD table keyed by {key_column}: cannot tell whose record a failing key is")


def native_pairs(con: Connection, return_name: str, rules: Iterable[DfeRule] = RULES) -> set[tuple[str, str]]:
    """(rule code, person id) for every child a native rule of the return flags on the current batch."""
    mapped = rule_map(return_name, rules)
    pairs: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.code not in mapped or rule.source != SOURCES[return_name]:
            continue
        for branch in _top_level_branches(rule.sql):
            key_column = _KEY.search(branch).group(1)
            owner, person = _person_of(key_column)
            sql = (f"select distinct o.{person} from ({branch}) as f join {owner} as o "
                   "on cast(o.k as varchar) = cast(f.failing_key as varchar)")
            pairs |= {(rule.code, str(row[0])) for row in con.execute(sql).fetchall() if row[0] is not None}
    return pairs


def keyed(con: Connection, pairs: set[tuple[str, str]], la_code: str) -> set[tuple[str, str]]:
    """The pairs with each person id swapped for its `child_key` (raw._child_keys, ingest/core/pseudonymise.py),
    for comparing with a file that carries child_keys rather than the authority's ids; an id with no key is
    kept as it is, so it shows up as a disagreement rather than vanishing."""
    keys = dict(con.execute("select person_id, child_key from raw._child_keys where la_code = $1", [la_code]).fetchall())
    return {(code, keys.get(person, person)) for code, person in pairs}


def _top_level_branches(sql: str) -> list[str]:
    """A rule's SELECTs joined by `union all` outside parentheses (the batch subqueries hold their own)."""
    branches, depth, start = [], 0, 0
    for match in re.finditer(r"[()]|\bunion\s+all\b", sql, flags=re.IGNORECASE):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            branches.append(sql[start:match.start()])
            start = match.end()
    return branches + [sql[start:]]


def validator_pairs(findings: Iterable) -> set[tuple[str, str]]:
    """(rule code, child id) of the validator's findings: Finding objects or dq.dfe_findings rows (dicts)."""
    pairs = set()
    for f in findings:
        code, child = (f["rule_code"], f["child_id"]) if isinstance(f, dict) else (f.rule_code, f.child_id)
        if child:
            pairs.add((str(code), str(child)))
    return pairs


def compare(native: set[tuple[str, str]], validator: set[tuple[str, str]], mapping: dict[str, str],
            children: Iterable[str] | None = None) -> list[RuleAgreement]:
    """Per mapped rule code: the children both flag, only ours flag, only theirs flag (within `children`)."""
    keep = set(children) if children is not None else None
    result = []
    for native_code, validator_code in sorted(mapping.items()):
        ours = {c for code, c in native if code == native_code and (keep is None or c in keep)}
        theirs = {c for code, c in validator if code == validator_code and (keep is None or c in keep)}
        result.append(RuleAgreement(native_code, validator_code, ours & theirs, ours - theirs, theirs - ours))
    return result


def compare_run(con: Connection, run) -> list[RuleAgreement]:
    """Our native rules on `con`'s current batch against a validation run (runner.ValidationRun), per mapped rule
    code, for the children the return holds."""
    return compare(native_pairs(con, run.return_name), validator_pairs(run.findings), rule_map(run.return_name),
                   children=run.children)


def report_lines(agreements: Iterable[RuleAgreement], *, only_flagged: bool = False) -> list[str]:
    """One line per rule: code, verdict and the counts (and up to five ids) of each side."""
    lines = []
    for a in agreements:
        if only_flagged and not (a.agree or a.only_native or a.only_validator):
            continue
        sample = lambda ids: ",".join(sorted(ids)[:5]) + ("…" if len(ids) > 5 else "")  # noqa: E731
        lines.append(f"{a.native_code:>6} -> {a.validator_code:<6} {a.verdict:<6} agree {len(a.agree)}"
                     f"  only native {len(a.only_native)} [{sample(a.only_native)}]"
                     f"  only validator {len(a.only_validator)} [{sample(a.only_validator)}]")
    return lines
