"""What the warehouse holds after a run: the printed summary of `make run` / `csw summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from foundation.settings import Settings
from foundation.warehouse import connect, table_exists

SAMPLE_INDICATORS = 10


def print_summary(settings: Settings, *, out: Path | None = None, say: Callable[[str], None] = print) -> None:
    out = out or settings.output_dir
    con = connect(settings, read_only=True)
    try:
        say("")
        say("=" * 78)
        say(f"warehouse: {settings.warehouse}")
        if table_exists(con, "raw", "_loads"):
            for outcome, files, rows in con.execute(
                "select outcome, count(*), coalesce(sum(row_count), 0) from raw._loads group by outcome order by outcome"
            ).fetchall():
                say(f"files {outcome}: {files} ({rows:,} rows)")
        models = con.execute(
            "select table_schema, count(*) from information_schema.tables "
            "where table_schema in ('staging', 'intermediate', 'marts', 'seeds') group by 1 order by 1"
        ).fetchall()
        say("models built: " + ", ".join(f"{schema} {n}" for schema, n in models))
        if table_exists(con, "dq", "runs"):
            run = con.execute(
                "select run_id, status, checks_run, blocking_failures, warnings from dq.runs order by started_at desc limit 1"
            ).fetchall()
            if run:
                run_id, status, checks, blocking, warnings = run[0]
                say(f"checks: {status} - {checks} run, {checks - blocking} passed or warned, "
                    f"{blocking} blocking failures, {warnings} warnings (run {run_id})")
        returns = sorted((out / "regional").glob("*/*/*")) if (out / "regional").exists() else []
        for path in returns:
            say(f"return file: {path}")
        if not returns:
            say(f"return files: none under {out / 'regional'}")
        if table_exists(con, "marts", "fct_indicator_values"):
            rows = con.execute(
                """
                with latest as (
                    select max(period_label) as period_label from marts.fct_indicator_values where period_type = 'quarter'
                )
                select v.indicator_id, v.period_label, v.numerator, v.denominator, v.value, i.unit
                from marts.fct_indicator_values as v
                inner join latest on v.period_label = latest.period_label
                inner join marts.dim_indicators as i on v.indicator_id = i.indicator_id
                where v.period_type = 'quarter'
                order by coalesce(i.regional_return_order, 999), v.indicator_id
                limit ?
                """,
                [SAMPLE_INDICATORS],
            ).fetchall()
            say("indicator values (latest complete quarter):")
            for indicator_id, period, num, den, value, unit in rows:
                shown = "null" if value is None else f"{value:,.1f}"
                base = "" if den is None else f" = {num:,.0f} / {den:,.0f}"
                say(f"  {indicator_id:<16} {period:<10} {shown:>10} {unit:<8}{base}")
        say("=" * 78)
    finally:
        con.close()
