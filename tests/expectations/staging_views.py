"""The case-system staging models, as views over a test warehouse's raw tables, without a dbt build.

Each `models/staging/case_system/stg_*.sql` is rendered with the project's own macros (`current_rows`,
`child_key`, `to_code`, `to_flag`), `source()` resolving through the dbt sources YAML and `var('la_code')`
set, so the DfE rules read exactly the SQL dbt builds; the pseudonymous keys come from the product's
`ingest.core.pseudonymise`."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from expectations.current_rows import STAGING, dbt_source
from foundation.settings import DBT_PROJECT_DIR
from ingest.contracts import all_tables
from ingest.core import pseudonymise

LA = "841"
SECRET = "test-secret"
MACROS = ("current_rows.sql", "sources.sql", "flags.sql")


def child_key(person_id: str) -> str:
    """The child_key staging gives a person of the test authority."""
    return pseudonymise.child_key(SECRET, LA, person_id)


@cache
def _views() -> dict[str, str]:
    macros = "".join((DBT_PROJECT_DIR / "macros" / name).read_text(encoding="utf-8") for name in MACROS)
    env = jinja2.Environment()
    globals_ = {"source": dbt_source, "var": {"la_code": LA}.__getitem__,
                # a statutory source's rows join an SSD model only when no SSD extract was loaded; these test
                # warehouses hold one, so each model is its own rows (macros/statutory_sources.sql)
                "with_statutory_sources": lambda ssd_rows, _object: f"select * from {ssd_rows}"}
    return {
        path.stem: env.from_string(macros + path.read_text(encoding="utf-8"), globals=globals_).render()
        for path in sorted((STAGING / "case_system").glob("stg_*.sql"))
    }


def create_staging_views(con: Any) -> None:
    """Key every person id in the raw case-system tables, then (re)create each staging model as a view."""
    pseudonymise.ensure_table(con)
    ids: list[str] = []
    for contract in all_tables():
        if contract.feed == "case_system":
            for column in pseudonymise.person_id_columns(contract):
                ids += [r[0] for r in con.execute(f"select {column} from raw.{contract.raw_table}").fetchall()]
    pseudonymise.add_keys(con, SECRET, LA, ids)
    con.execute("create schema if not exists staging")
    for model, sql in _views().items():
        con.execute(f"create or replace view staging.{model} as {sql}")
