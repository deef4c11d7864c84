"""What the Annex A workbook reads: each list's rows (its SQL in sql/) and the facts about each child.

The rows carry the warehouse's pseudonymous child_key; the Child Unique ID written to the workbook is the
authority's own person id, looked up in `raw._child_keys` here and nowhere else (the workbook goes back to
the authority's own staff and Ofsted's inspectors, as the authority's own Annex A does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from foundation.warehouse import Connection, table_exists
from exports.errors import ExportRefused
from ingest.annex_a.spec import AnnexList, window_start

# Every list query reads these three dates as `params` (prepended here; the files start after it), and $4, the
# authority: every staging and intermediate model it reads is narrowed to that authority's rows (`of_authority`).
PARAMS = (
    "with params as (\n"
    "    select cast($1 as date) as as_of, cast($2 as date) as period_start, cast($3 as date) as year_start,\n"
    "    cast($4 as varchar) as la_code\n"
    ")\n"
)
_MODEL = re.compile(r"\b(staging|intermediate)\.(\w+)(\s+as\s+(\w+))?")


def of_authority(sql: str, marker: str) -> str:
    """`sql` with every staging or intermediate model it reads narrowed to one authority's rows (`la_code =
    marker`, a parameter): a hub's warehouse holds several authorities, whose record ids collide, so a join on
    an id stays within the authority too. `staging.x as a` becomes `(select * from staging.x where la_code =
    $4) as a`; an unaliased model keeps its own name as its alias."""
    return _MODEL.sub(lambda m: f"(select * from {m[1]}.{m[2]} where la_code = {marker}) as {m[4] or m[2]}", sql)
SQL_DIR = Path(__file__).resolve().parent / "sql"
REQUIRED = (("staging", "stg_case_system__persons"), ("raw", "_child_keys"))


@dataclass(frozen=True)
class Child:
    child_id: str  # the authority's own person id
    sex_code: str | None
    ethnicity_code: str | None
    birth_date: date | None
    expected_birth_date: date | None
    disability: str  # yes | no | unknown (codes.yaml `disability`)
    allocated_team: str | None
    family_id: str | None


def list_sql(annex_list: AnnexList) -> str | None:
    """The SQL of a list's rows (its `query` file in sql/), or None when the SSD has no source for it."""
    return (SQL_DIR / annex_list.query).read_text(encoding="utf-8") if annex_list.query else None


def read_rows(con: Connection, annex_list: AnnexList, as_of: date, la_code: str) -> list[dict[str, Any]]:
    """Authority `la_code`'s rows of the list as dicts (column name -> value), each with child_key, record_id and
    event_date."""
    sql = list_sql(annex_list)
    if sql is None:
        return []
    params = [as_of, annex_list.period_start(as_of) or as_of, window_start(as_of, 12), la_code]
    cursor = con.execute(PARAMS + of_authority(sql, "$4"), params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def read_children(con: Connection, *, la_code: str, as_of: date) -> dict[str, Child]:
    """Every child keyed for the authority in `raw._child_keys`, by child_key, with what the SSD says of them
    (empty where ssd_person has no row). The allocated team is the team of the child's
    involvement open at the as-of date (the latest-starting one if several)."""
    for schema, table in REQUIRED:
        if not table_exists(con, schema, table):
            raise ExportRefused(
                f"{schema}.{table} does not exist: load and build a case_system extract first (`csw run`)")
    rows = con.execute(of_authority(
        """
        with disabilities as (
            select child_key, max(case when upper(disability_code) = 'NONE' then 0 else 1 end) as has_disability
            from staging.stg_case_system__disabilities
            group by child_key
        ),
        teams as (
            select
                involvements.child_key,
                departments.team_name,
                row_number() over (
                    partition by involvements.child_key
                    order by involvements.start_date desc, involvements.involvement_id desc
                ) as recency
            from staging.stg_case_system__involvements as involvements
            left join staging.stg_case_system__departments as departments on involvements.team_id = departments.team_id
            where
                involvements.start_date <= cast($2 as date)
                and (involvements.end_date is null or involvements.end_date > cast($2 as date))
        ),
        families as (
            select child_key, min(family_id) as family_id
            from staging.stg_case_system__family_members
            group by child_key
        )
        select
            keys.child_key,
            keys.person_id,
            persons.sex_code,
            persons.ethnicity_code,
            persons.birth_date,
            persons.expected_birth_date,
            disabilities.has_disability,
            teams.team_name,
            families.family_id
        from raw._child_keys as keys
        left join staging.stg_case_system__persons as persons on keys.child_key = persons.child_key
        left join disabilities on keys.child_key = disabilities.child_key
        left join teams on keys.child_key = teams.child_key and teams.recency = 1
        left join families on keys.child_key = families.child_key
        where keys.la_code = $1
        """, "$1"),
        [la_code, as_of],
    ).fetchall()
    children = {}
    for key, person_id, sex, ethnicity, born, expected, has_disability, team, family in rows:
        disability = "unknown" if has_disability is None else ("yes" if has_disability else "no")
        children[key] = Child(person_id, sex, ethnicity, born, expected, disability, team, family)
    return children
