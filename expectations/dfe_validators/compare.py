"""Do our native DfE rules (expectations/dfe_rules.py, SQL over the SSD staging models) flag the same children as
Data to Insight's published validators on the return made from the same data? (issue 14 point 5)

The unit compared is the (rule code, child) pair:
- native: each rule's failing records (`failing_key`, the id of a staging record) mapped to their child — the
  `child_key` of the staging model the key comes from (a CLA review through its period of care's episodes),
  turned back into the authority's case-system person id (raw._child_keys), the id the statutory returns carry
  (CHILD, LAchildID);
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

SOURCES = {"ssda903": "903", "cin": "CIN"}
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


# The first SELECT of a rule's branch: `select [<alias>.la_code, ]<alias>.<column> as failing_key from staging.<model>
# as <alias>` (a rule names the authority of its failing rows, expectations/dfe_rules.py).
_OWNER = re.compile(r"select\s+(?:distinct\s+)?(?:(\w+)\.la_code\s*,\s*)?(\w+)\.(\w+)\s+as\s+failing_key\s+"
                    r"from\s+(staging\.\w+)\s+as\s+(\w+)", re.IGNORECASE)


def _owner_of(branch: str) -> tuple[str, bool]:
    """A derived table (la_code, k, child_key) mapping the branch's failing keys to their child, and whether the
    branch names its rows' authority (then keys are matched within it: a hub's authorities' ids collide). The staging
    model the key is taken from carries `child_key` (a CLA review through its period of care's episodes)."""
    match = _OWNER.search(branch)
    if match is None or match.group(2) != match.group(5) or match.group(1) not in (None, match.group(2)):
        raise ValueError(f"cannot tell whose record a failing key is: {' '.join(branch.split())[:120]}")
    _, _, column, model, _ = match.groups()
    if model.endswith("__cla_reviews"):  # reviews carry the period of care, not the child
        return (f"(select distinct r.la_code, r.{column} as k, e.child_key from {model} as r "
                "join staging.stg_case_system__cla_episodes as e on e.la_code = r.la_code and e.cla_id = r.cla_id)",
                match.group(1) is not None)
    return f"(select la_code, {column} as k, child_key from {model})", match.group(1) is not None


def native_pairs(con: Connection, return_name: str, rules: Iterable[DfeRule] = RULES) -> set[tuple[str, str]]:
    """(rule code, person id) for every child a native rule of the return flags on staging (the current rows):
    each failing record's child_key, turned back into the authority's id through raw._child_keys."""
    mapped = rule_map(return_name, rules)
    ids = dict(con.execute("select child_key, person_id from raw._child_keys").fetchall())
    pairs: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.code not in mapped or rule.source != SOURCES[return_name]:
            continue
        for branch in _top_level_branches(rule.sql):
            owner, by_authority = _owner_of(branch)
            same_authority = " and o.la_code = f.la_code" if by_authority else ""
            sql = (f"select distinct o.child_key from ({branch}) as f join {owner} as o "
                   f"on cast(o.k as varchar) = cast(f.failing_key as varchar){same_authority}")
            pairs |= {(rule.code, ids.get(row[0], row[0])) for row in con.execute(sql).fetchall() if row[0] is not None}
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
