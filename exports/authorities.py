"""Which authority an export is for (docs/regional-hub.md, "Exports and checks per authority").

A hub's warehouse holds several authorities: every mart row carries the `la_code` it belongs to. An export
(the regional return, a statutory return, the scorecard) is for one authority at a time: the one asked for
(`--la`), else `CSW_LA_CODE`'s; the regional return is written for every authority in the marts unless `--la`
names some. An authority the warehouse does not hold is refused with one line, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exports.errors import ExportRefused
from foundation.warehouse import Connection, column_exists, table_exists

INDICATOR_VALUES = ("marts", "fct_indicator_values")
CHILD_KEYS = ("raw", "_child_keys")


def result_authority(con: Connection) -> str:
    """The SQL of a `dq.check_results` row's authority: its `la_code`, or null in a warehouse last checked before
    results had one (every result then is every authority's)."""
    return "la_code" if column_exists(con, "dq", "check_results", "la_code") else "cast(null as varchar)"


def results_seen_by(rows: Iterable[tuple], la_code: str, check: int) -> list[tuple]:
    """A check run's results as authority `la_code` sees them (docs/regional-hub.md, a gate per authority): of each
    check (its first `check` columns) the authority's own results when it has any, else those without an authority;
    each row's last column is its `la_code`, dropped. Another authority's results (its keys) are never shown."""
    rows = list(rows)
    own = {tuple(row[:check]) for row in rows if row[-1] == la_code}
    return [tuple(row[:-1]) for row in rows
            if row[-1] == la_code or (row[-1] is None and tuple(row[:check]) not in own)]


def parse_codes(text: str | None) -> list[str]:
    """`841,840` → ['841', '840'] (order kept, blanks and repeats dropped); None or '' → []."""
    return list(dict.fromkeys(code.strip() for code in (text or "").split(",") if code.strip()))


def authorities_in_marts(con: Connection) -> list[str]:
    """The authorities with indicator values (`marts.fct_indicator_values.la_code`), sorted; [] before a build."""
    if not table_exists(con, *INDICATOR_VALUES):
        return []
    rows = con.execute("select distinct la_code from marts.fct_indicator_values where la_code is not null").fetchall()
    return sorted(str(row[0]) for row in rows)


def authorities_in_warehouse(con: Connection) -> list[str]:
    """Every authority the warehouse holds: those in the marts and those whose children are keyed
    (`raw._child_keys`, loaded from a case-system or statutory extract), sorted."""
    codes = set(authorities_in_marts(con))
    if table_exists(con, *CHILD_KEYS):
        codes.update(str(row[0]) for row in con.execute("select distinct la_code from raw._child_keys").fetchall())
    return sorted(codes)


def refuse_unknown(asked: Iterable[str], held: Sequence[str], *, where: str = "the warehouse") -> None:
    """ExportRefused (one line) naming the asked authorities that `held` lacks."""
    unknown = [code for code in asked if code not in held]
    if unknown:
        holds = ", ".join(held) if held else "none yet"
        raise ExportRefused(f"authority {', '.join(unknown)} not in {where} (it holds: {holds}): "
                            "load its extract and build first, or check the code")


def authority_for(con: Connection, asked: str | None, default: str) -> str:
    """The one authority an export is for: `asked` (`--la`), else `default` (CSW_LA_CODE). `asked` must be an
    authority the warehouse holds; the default is left to the export's own refusal (as before a hub)."""
    if not asked:
        return default
    refuse_unknown([asked], authorities_in_warehouse(con))
    return asked


def return_authorities(con: Connection, asked: Sequence[str], default: str) -> list[str]:
    """The authorities a regional return is written for: `asked` (each must be in the marts), else every
    authority in the marts, else (nothing built yet) `default` alone, so the writer gives its own reason."""
    held = authorities_in_marts(con)
    if asked:
        refuse_unknown(asked, held, where="marts.fct_indicator_values")
        return list(asked)
    return held or [default]
