"""The current rows of a raw table, exactly as staging reads them.

"Current rows" is defined once, in dbt: the macro `current_rows` (dbt_project/macros/current_rows.sql), which
every staging model calls on its raw table (the newest file of a snapshot feed, or the newest row of each
key of an incremental one). The raw suites check what staging will read, so this module renders that same
macro with each staging model's own arguments, `source()` resolving through the dbt sources YAML as dbt
resolves it. Nothing here restates the SQL or which feeds are incremental.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import Any

import jinja2
import yaml

from foundation.settings import DBT_PROJECT_DIR

MACRO = DBT_PROJECT_DIR / "macros" / "current_rows.sql"
CENSUS_MACROS = DBT_PROJECT_DIR / "macros" / "cin_census.sql"
STAGING = DBT_PROJECT_DIR / "models" / "staging"
_CALL = re.compile(r"\{\{\s*current_rows\((?P<args>[^)]*)\)\s*\}\}")
# a CIN census model reads its table through the macro `census_current` (itself a `current_rows` call)
_CENSUS_CALL = re.compile(r"\bcensus_(?:current|module)\(\s*'(?P<table>\w+)'")


class _Relation(str):
    """What dbt's `source()` returns, as far as the macro uses it: the relation and its identifier."""

    @property
    def identifier(self) -> str:
        return self.split(".", 1)[1]


@cache
def _sources() -> dict[tuple[str, str], _Relation]:
    """(source name, table name) → schema.identifier, from every dbt sources YAML under models/staging."""
    relations = {}
    for path in sorted(STAGING.rglob("_*sources.yml")):
        for source in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources", []):
            for table in source.get("tables", []):
                identifier = table.get("identifier", table["name"])
                relations[(source["name"], table["name"])] = _Relation(f"{source['schema']}.{identifier}")
    return relations


def dbt_source(source_name: str, table_name: str) -> _Relation:
    return _sources()[(source_name, table_name)]


@cache
def _macro() -> Any:
    text = MACRO.read_text(encoding="utf-8")
    return jinja2.Environment().from_string(text, globals={"source": dbt_source}).module.current_rows


@cache
def _census_macro() -> Any:
    text = CENSUS_MACROS.read_text(encoding="utf-8")
    return jinja2.Environment().from_string(text, globals={"current_rows": _macro()}).module.census_current


def _arguments(text: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The literal positional and keyword arguments of a call's argument text (`'a', 'b', year_file='b'`)."""
    call = ast.parse(f"current_rows({text})", mode="eval").body
    return (tuple(ast.literal_eval(arg) for arg in call.args),
            {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords})


@cache
def _staging_reads() -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """staging model → the arguments it passes to `current_rows` ((source, raw table[, key columns]), keywords)."""
    reads = {}
    for path in sorted(STAGING.rglob("stg_*.sql")):
        text = path.read_text(encoding="utf-8")
        for match in _CALL.finditer(text):
            reads[path.stem] = _arguments(match.group("args"))
        census = _CENSUS_CALL.search(text)
        if census and path.stem not in reads:
            reads[path.stem] = (("cin_census", census.group("table")), {"census_current": True})
    return reads


def staging_calls() -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """raw table → the arguments its staging model passes to `current_rows` ((source, table[, key columns]),
    keywords)."""
    return {args[1]: (args, keywords) for args, keywords in _staging_reads().values()}


def raw_table_of(model: str) -> str:
    """The raw table a staging model reads (`stg_case_system__referrals` → `case_system__ssd_cin_episodes`)."""
    return _staging_reads()[model][0][1]


def current_rows_sql(raw_table: str, alias: str = "current_rows") -> str:
    """The current rows of `raw.<raw_table>` as a derived table aliased `alias` (the staging model's own
    `current_rows` call). A statutory table no staging model reads yet (an SSDA903 table such as `uasc`) is read
    as its feed's other tables are, each collection year's newest file of itself; any other table no staging
    model reads is read whole."""
    calls = staging_calls()
    call = calls.get(raw_table)
    if call is None:
        feed = raw_table.split("__", 1)[0]
        by_year = [args for args, keywords in calls.values()
                   if args[0] == feed and keywords.get("year_file") == args[1]]
        if not by_year:
            return f"(select * from raw.{raw_table}) as {alias}"
        call = ((feed, raw_table), {"year_file": raw_table})
    args, keywords = call
    if keywords.get("census_current"):
        return " ".join(str(_census_macro()(args[1], alias)).split())
    return " ".join(str(_macro()(*args, **{**keywords, "relation_alias": alias})).split())
