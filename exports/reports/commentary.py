"""Commentary: a performance officer's line per indicator and quarter (`csw commentary set ID PERIOD "text"
--by NAME`), kept in `reporting.commentary` with who and when. Lines are appended, never edited: the history
stays, and the newest line of an indicator and quarter is the one marts.rpt_scorecard and the pages show.

The table's columns are the ones dbt's on-run-start hook creates (dbt_project/macros/commentary.sql), so the
mart builds before anyone has written a line and the CLI works before dbt has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from exports.errors import ExportRefused
from foundation.periods import parse_quarter
from foundation.warehouse import Connection, table_exists, transaction

TABLE = "reporting.commentary"
COLUMNS = (
    ("indicator_id", "varchar(64)"),
    ("period_label", "varchar(16)"),
    ("commentary", "varchar(2000)"),
    ("written_by", "varchar(200)"),
    ("written_at", "timestamp"),
)
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Line:
    indicator_id: str
    period_label: str
    commentary: str
    written_by: str
    written_at: datetime


def ensure_table(con: Connection) -> None:
    con.execute("create schema if not exists reporting")
    con.execute(f"create table if not exists {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")


def set_line(con: Connection, indicator_id: str, period_label: str, text: str, *, by: str,
             at: datetime | None = None) -> Line:
    """Append a line for one indicator and quarter; refused with the reason when the indicator is not in the
    catalogue, the period is not a financial quarter, or the text or author is empty or too long."""
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
    line = Line(indicator_id, period_label, text, by, at or datetime.now(timezone.utc).replace(tzinfo=None))
    with transaction(con):
        ensure_table(con)
        con.execute(
            f"insert into {TABLE} (indicator_id, period_label, commentary, written_by, written_at) "
            "values ($1, $2, $3, $4, $5)",
            [line.indicator_id, line.period_label, line.commentary, line.written_by, line.written_at],
        )
    return line


def history(con: Connection, indicator_id: str | None = None, period_label: str | None = None) -> list[Line]:
    """Every line written, newest first (optionally of one indicator and/or quarter)."""
    if not table_exists(con, "reporting", "commentary"):
        return []
    where, params = [], []
    for column, value in (("indicator_id", indicator_id and indicator_id.upper()), ("period_label", period_label)):
        if value:
            params.append(value)
            where.append(f"{column} = ${len(params)}")
    rows = con.execute(
        f"select indicator_id, period_label, commentary, written_by, written_at from {TABLE}"
        + (f" where {' and '.join(where)}" if where else "") + " order by written_at desc", params).fetchall()
    return [Line(*row) for row in rows]
