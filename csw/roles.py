"""Who reads what on the Postgres warehouse, authority by authority (`csw roles apply`, docs/row-level-security.md).

The marts' access is declared once, in dbt_project.yml (`meta.access` of every mart: `child_level` or
`aggregate`), and enforced by the dbt macro `secure_mart` (macros/mart_access.sql), each mart's post-hook:
row-level security on the child-level marts with a policy per reader role, SELECT on the aggregate marts.
This module makes the roles those policies name — `bi_reader_<la_code>` per authority and `bi_regional` —
with the admin login (etl may not create roles), then re-applies the marts' security as etl through the same
macro (`dbt run-operation secure_marts`), so a role created after the last build reads its rows at once.

The authorities: every la_code the child-level marts hold, CSW_LA_CODE, and any named with `--la` (to
make a role before its authority's first extract); each must be in marts.dim_local_authorities when that mart
exists. Re-running changes nothing. DuckDB has no roles and no row-level security: refused, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

import yaml

from foundation.settings import DBT_PROJECT_DIR, Settings
from foundation.warehouse import connect_postgres, quote_identifier, table_exists

READER_PREFIX = "bi_reader_"
REGIONAL_ROLE = "bi_regional"
ACCESS_KINDS = ("child_level", "aggregate")
# A role name carries the code and the policy reads it back from the name (macros/mart_access.sql): lower case.
LA_CODE = re.compile(r"[0-9a-z]+")

Progress = Callable[[str], None]


class RolesRefused(RuntimeError):
    """`csw roles apply` cannot do what it was asked; the message is the one-line reason."""


@dataclass
class RolesApplied:
    authorities: list[str]
    created: list[str]  # roles that did not exist before this run


def mart_access() -> dict[str, str]:
    """Every mart named in dbt_project.yml (models.csw.marts) with its declared access."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    marts = project["models"]["csw"]["marts"]
    return {name: (config.get("+meta") or {}).get("access") for name, config in marts.items()
            if not name.startswith("+") and isinstance(config, dict)}


def reader_role(la_code: str) -> str:
    return READER_PREFIX + la_code


def _authorities(con, settings: Settings, named: Iterable[str]) -> list[str]:
    codes = {settings.la_code, *named}
    for mart, access in mart_access().items():
        if access == "child_level" and table_exists(con, "marts", mart):
            codes.update(row[0] for row in con.execute(f"select distinct la_code from marts.{mart}").fetchall())
    bad = sorted(code for code in codes if code is None or not LA_CODE.fullmatch(code))
    if bad:
        raise RolesRefused(f"authority code(s) {', '.join(map(repr, bad))} cannot name a role: expected digits or "
                           "lower-case letters (a DfE 3-digit code)")
    if table_exists(con, "marts", "dim_local_authorities"):
        known = {row[0] for row in con.execute("select la_code from marts.dim_local_authorities").fetchall()}
        unknown = sorted(codes - known)
        if unknown:
            raise RolesRefused(f"authority code(s) {', '.join(unknown)} not in marts.dim_local_authorities "
                               "(the reference list of authorities)")
    return sorted(codes)


def _create_roles(admin, database: str, roles: list[str]) -> list[str]:
    created = []
    for role in roles:
        if admin.execute("select 1 from pg_roles where rolname = $1", [role]).fetchone() is None:
            admin.execute(f"create role {quote_identifier(admin, role)} nologin")
            created.append(role)
        # re-granting what a role holds changes nothing; login users are added as members (the docs)
        admin.execute(f"grant connect on database {quote_identifier(admin, database)} "
                      f"to {quote_identifier(admin, role)}")
        admin.execute(f"grant usage on schema marts to {quote_identifier(admin, role)}")
    return created


def apply_roles(settings: Settings, named: Iterable[str] = (), progress: Progress = lambda _: None) -> RolesApplied:
    """Create the reader roles that are missing and secure every mart that exists (module docstring)."""
    if settings.target != "postgres":
        raise RolesRefused(
            f"CSW_TARGET={settings.target}: DuckDB has no roles and no row-level security, so a warehouse file "
            "shows every row to whoever can open it; per-authority readers need the Postgres warehouse "
            "(docs/row-level-security.md). Nothing was changed.")
    etl = connect_postgres(settings, read_only=True)
    try:
        authorities = _authorities(etl, settings, named)
        if not table_exists(etl, "marts", "fct_indicator_values"):
            progress("no marts built yet: the roles are made now, each mart is secured when dbt builds it")
    finally:
        etl.close()
    roles = [REGIONAL_ROLE, *map(reader_role, authorities)]
    admin = connect_postgres(replace(settings, pg_user=settings.pg_admin_user,
                                     pg_password=settings.pg_admin_password), read_only=True)
    try:
        admin.execute("set session characteristics as transaction read write")
        created = _create_roles(admin, settings.pg_database, roles)
    finally:
        admin.close()
    progress(f"roles: {', '.join(roles)}" + (f" (created: {', '.join(created)})" if created else " (all existed)"))
    _secure_marts(settings)
    return RolesApplied(authorities=authorities, created=created)


def _secure_marts(settings: Settings) -> None:
    from csw.dbt import run_dbt

    result = run_dbt("run-operation", settings, None, ["secure_marts"])  # the macro reads no as-of date
    if not result.success:
        raise RolesRefused("dbt run-operation secure_marts failed: " + ("; ".join(result.failures[:3])
                                                                         or "see dbt output above"))
