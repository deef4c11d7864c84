"""Commentary: a performance officer's line per authority, indicator and quarter (`csw commentary set ID PERIOD
"text" --by NAME [--la 840]`), kept in `reporting.commentary` with who and when. Lines are appended, never
edited: the history stays, and the newest line of an authority's indicator and quarter is the one
marts.rpt_scorecard and that authority's pages show (a hub's authorities each write their own).

A line written before lines had an authority (no `la_code`) is CSW_LA_CODE's: the warehouse was one authority's
then. `ensure_table` (and dbt's hook) add the column and give those lines that authority.

The table's columns are the ones dbt's on-run-start hook creates (dbt_project/macros/commentary.sql), so the
mart builds before anyone has written a line and the CLI works before dbt has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from exports.errors import ExportRefused
from foundation.periods import parse_quarter
from foundation.warehouse import Connection, column_exists, table_exists, transaction

TABLE = "reporting.commentary"
COLUMNS = (
    ("indicator_id", "varchar(64)"),
    ("period_label", "varchar(16)"),
    ("commentary", "varchar(2000)"),
    ("written_by", "varchar(200)"),
    ("written_at", "timestamp"),
    ("la_code", "varchar(16)"),  # the authority the line is about (docs/regional-hub.md)
)
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Line:
    indicator_id: str
    period_label: str
    commentary: str
    written_by: str
    written_at: datetime
    la_code: str


def ensure_table(con: Connection, home: str) -> None:
    """The table, with `la_code` (added to an older one, whose lines become `home`'s: CSW_LA_CODE)."""
    con.execute("create schema if not exists reporting")
    con.execute(f"create table if not exists {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")
    con.execute(f"alter table {TABLE} add column if not exists la_code varchar(16)")
    con.execute(f"update {TABLE} set la_code = $1 where la_code is null", [home])


def set_line(con: Connection, indicator_id: str, period_label: str, text: str, *, by: str, la_code: str,
             home: str | None = None, at: datetime | None = None) -> Line:
    """Append authority `la_code`'s line for one indicator and quarter (`home`: CSW_LA_CODE, whose lines an older
    table's are; default `la_code`); refused with the reason when the indicator is not in the catalogue, the
    period is not a financial quarter, or the text or author is empty or too long."""
    indicator_id = indicator_id.strip().upper()
    text, by = text.strip(), by.strip()
    try:
        period_label = parse_quarter(period_label.strip()).label
    except ValueError as exc:
        raise ExportRefused(f"commentary: {exc}") from None
    if not text:
        raise ExportRefused("commentary: the text is empty")
    if len(text) > MAX_LENGTH:
        raise ExportRefused(f"commentary: the text has {len(text)} characters, at most {MAX_LENGTH}")
    if not by:
        raise ExportRefused("commentary: say who wrote it (--by NAME)")
    if not table_exists(con, "marts", "dim_indicators"):
        raise ExportRefused("commentary: the warehouse has no marts.dim_indicators yet: run `csw build` first")
    if not con.execute("select 1 from marts.dim_indicators where indicator_id = $1", [indicator_id]).fetchall():
        raise ExportRefused(f"commentary: {indicator_id} is not an indicator of the catalogue (marts.dim_indicators)")
    line = Line(indicator_id, period_label, text, by, at or datetime.now(timezone.utc).replace(tzinfo=None), la_code)
    with transaction(con):
        ensure_table(con, home or la_code)
        con.execute(
            f"insert into {TABLE} (indicator_id, period_label, commentary, written_by, written_at, la_code) "
            "values ($1, $2, $3, $4, $5, $6)",
            [line.indicator_id, line.period_label, line.commentary, line.written_by, line.written_at, line.la_code],
        )
    return line


def history(con: Connection, indicator_id: str | None = None, period_label: str | None = None, *,
            la_code: str | None = None, home: str = "") -> list[Line]:
    """Every line written, newest first (optionally of one indicator, quarter and/or authority); a line of an
    older table without an authority is `home`'s (CSW_LA_CODE)."""
    if not table_exists(con, "reporting", "commentary"):
        return []
    has_la_code = column_exists(con, "reporting", "commentary", "la_code")
    authority = "coalesce(la_code, $1)" if has_la_code else "cast($1 as varchar)"
    where, params = [], [home]
    for column, value in (("indicator_id", indicator_id and indicator_id.upper()), ("period_label", period_label),
                          (authority, la_code)):
        if value:
            params.append(value)
            where.append(f"{column} = ${len(params)}")
    rows = con.execute(
        f"select indicator_id, period_label, commentary, written_by, written_at, {authority} from {TABLE}"
        + (f" where {' and '.join(where)}" if where else "") + " order by written_at desc", params).fetchall()
    return [Line(*row) for row in rows]
