"""`csw`: the command line of docs/specs/PRODUCT.md. Every command prints what it did and exits non-zero with a
one-line reason on failure."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from foundation.settings import disable_telemetry, get_settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _say(line: str) -> None:
    print(line, flush=True)


def _table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    cells = [tuple(str(c) for c in headers)] + [tuple("" if c is None else str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_generate(args: argparse.Namespace) -> int:
    from synthetic import generate

    started = time.perf_counter()
    def say(line: str) -> None:  # planted defects are always reported; files only with -v
        if args.verbose or line.startswith("planted defect"):
            _say(line)

    if "," in args.la:  # a region: one folder per authority (docs/regional-hub.md)
        from synthetic import generate_region, parse_authorities

        written = generate_region(Path(args.out), parse_authorities(args.la), start=args.start, end=args.end,
                                  seed=args.seed, scale=args.scale, progress=say, defects=args.defects,
                                  benchmarks=args.benchmarks)
    else:
        written = generate(
            Path(args.out), la_code=args.la, start=args.start, end=args.end, seed=args.seed, scale=args.scale,
            progress=say, defects=args.defects,
        )
    if args.benchmarks and "," not in args.la:
        from synthetic.benchmarks import write_benchmarks

        written.update(write_benchmarks(Path(args.out), la_code=args.la, end=args.end, seed=args.seed,
                                        progress=_say if args.verbose else None))
    feeds: dict[str, list[int]] = {}
    for path, rows in written.items():
        totals = feeds.setdefault(path.split("/", 1)[0], [0, 0])  # a feed, or a region's authority
        totals[0] += 1
        totals[1] += rows
    _say(_table([(feed, files, f"{rows:,}") for feed, (files, rows) in feeds.items()],
                ("authority" if "," in args.la else "feed", "files", "rows")))
    _say(f"generated {sum(written.values()):,} rows in {len(written)} files under {args.out} "
         f"({time.perf_counter() - started:.1f} s)")
    return 0


def print_load_report(report) -> None:
    rows = [(f"{f.authority}/{f.feed}" if f.authority else f.feed, f.file_name, f.outcome, f.rows if f.outcome == "loaded" else "",
             f.reason or (f"warning: {f.warning}" if f.warning else "")) for f in report.files]
    if rows:
        _say(_table(rows, ("feed", "file", "outcome", "rows", "reason")))
    warned = sum(1 for f in report.files if f.warning)
    _say(f"files loaded: {report.count('loaded')} ({report.rows_loaded:,} rows), "
         f"duplicates skipped: {report.count('duplicate')}, quarantined: {report.count('quarantined')}"
         + (f"; {warned} loaded with a warning (see the reason column)" if warned else ""))


def _large_file_phases(line: str) -> None:
    """Without -v, only a large file's phase lines (indented: rows and seconds so far) are shown."""
    if line.startswith("  "):
        _say(line)


def cmd_ingest(args: argparse.Namespace) -> int:
    from csw.pipeline import ingest

    settings = get_settings()
    _say(settings.secret_line())
    report = ingest(Path(args.landing), as_of=args.as_of, settings=settings,
                    progress=_say if args.verbose else _large_file_phases)
    print_load_report(report)
    return 0


FULL_BUILD = "asked for (--full)"
UNIT_TESTS_HELP = ("run dbt's unit tests in a full build (default: only when they have not yet passed in this "
                   "warehouse for this dbt project: docs/regional-hub.md, Unit tests once per release)")
FULL_HELP = ("rebuild every model (default: only what depends on the raw tables loaded since the last complete "
             "build, when that gives the same rows: docs/regional-hub.md, Incremental refresh)")


def cmd_build(args: argparse.Namespace) -> int:
    from csw.pipeline import build

    result = build(as_of=args.as_of, progress=_say, full=FULL_BUILD if args.full else "",
                   unit_tests=True if args.unit_tests else None)
    _say("dbt build: " + ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())))
    return 0


def print_check_run(run) -> None:
    acknowledged = f" ({run.acknowledged} acknowledged)" if getattr(run, "acknowledged", 0) else ""
    _say(f"checks: {run.checks_run} run, {run.blocking_failures} blocking failures, {run.warnings} warnings"
         f"{acknowledged} (run {run.run_id}, status {run.status})")
    if getattr(run, "data_docs", None):
        _say(f"Data Docs: {run.data_docs}")
    if run.failures:
        _say(_table([(f.severity + (" (acknowledged)" if f.acknowledged_by else ""), f.suite, f.check_name,
                      f.failing_rows, f.message) for f in run.failures],
                    ("severity", "suite", "check", "rows", "message")))


def cmd_check(args: argparse.Namespace) -> int:
    from csw.pipeline import check

    run = check(as_of=args.as_of, progress=_say if args.verbose else (lambda _: None))
    print_check_run(run)
    if args.alert and run.status != "PASSED":
        from expectations.alerts import alert_blocked

        reason = f"{run.blocking_failures} blocking data quality check(s) failed (run {run.run_id})"
        _say(alert_blocked(get_settings(), reason=reason, run_id=run.run_id).reason)
    return 1 if run.status != "PASSED" else 0


def cmd_dq_digest(args: argparse.Namespace) -> int:
    from expectations.alerts import send_daily_digest

    _say(send_daily_digest().reason)
    return 0


def cmd_dq_acknowledge(args: argparse.Namespace) -> int:
    from foundation.warehouse import connect
    from expectations.acknowledgements import acknowledge

    con = connect(get_settings())
    try:
        ack = acknowledge(con, args.check, by=args.by, reason=args.reason, suite=args.suite, expires_on=args.expires)
    finally:
        con.close()
    until = f" until {ack.expires_on}" if ack.expires_on else ""
    _say(f"acknowledged {ack.suite} / {ack.check_name} by {ack.acknowledged_by}{until}: it stays in the results "
         "but no longer alerts")
    return 0


def cmd_dq_acknowledgements(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from foundation.warehouse import connect
    from expectations.acknowledgements import acknowledgements

    con = connect(get_settings())
    try:
        acks = acknowledgements(con)
    finally:
        con.close()
    today = datetime.now(timezone.utc).date()
    _say(_table([(a.suite, a.check_name, a.acknowledged_by, f"{a.acknowledged_at:%Y-%m-%d %H:%M}",
                  a.expires_on or "", "yes" if a.in_force(today) else "expired", a.reason) for a in acks],
                ("suite", "check", "by", "at (UTC)", "expires", "in force", "reason")))
    _say(f"{len(acks)} acknowledgement(s)")
    return 0


def cmd_dq_release(args: argparse.Namespace) -> int:
    from expectations.releases import check_la_code, release_quarter

    settings = get_settings()
    if args.la:  # an authority the marts do not hold has no return to release
        from exports.authorities import authorities_in_marts, refuse_unknown
        from foundation.warehouse import connect

        check_la_code(args.la)
        con = connect(settings, read_only=True)
        try:
            held = authorities_in_marts(con)
        finally:
            con.close()
        refuse_unknown([args.la], held)
    made, alerted = release_quarter(settings, period=args.period, by=args.by, reason=args.reason, la_code=args.la)
    _say(f"regional return {made.period} {made.summary()}")
    _say(alerted)
    return 0


def cmd_dq_releases(args: argparse.Namespace) -> int:
    from expectations.releases import releases
    from foundation.warehouse import connect

    con = connect(get_settings())
    try:
        made = releases(con, args.period)
    finally:
        con.close()
    _say(_table([(r.period, r.la_code or "all", r.released_by, f"{r.released_at:%Y-%m-%d %H:%M}", r.run_id,
                  len(r.blocking_checks), r.reason) for r in made],
                ("period", "authority", "by", "at (UTC)", "check run", "checks", "reason")))
    _say(f"{len(made)} release(s)")
    return 0


def cmd_dq_policy(args: argparse.Namespace) -> int:
    from collections import Counter

    from expectations import policy

    rules = policy.load(Path(args.file) if args.file else get_settings().dq_policy)
    checks = policy.catalogue()
    covered = Counter(rules.entry_for(suite, check, declared) for suite, check, declared in checks)
    def decides(e) -> str:
        threshold = f" if {e.block_if.text}" + (f" of {e.of}" if e.of != "rows" else "") if e.block_if else ""
        return e.severity + threshold

    rows = [(e.number, e.suite, e.check + (f" (declared {e.declared})" if e.declared else ""), decides(e),
             covered.get(e, 0)) for e in rules.entries]
    _say(_table(rows, ("entry", "suite", "check", "severity", "checks decided")))
    _say(f"{rules.source}: valid; {len(checks)} checks, {covered.get(None, 0)} keep the severity their code declares")
    return 0


def print_return_files(files) -> None:
    for path in files.paths:
        _say(f"wrote {path}")


def _suppression(args: argparse.Namespace):
    """--suppress / --no-suppress --reason over CSW_SUPPRESSION; None = the setting (on by default)."""
    from exports.errors import ExportRefused
    from exports.regional.suppression import Suppression

    if args.reason is not None and args.suppress is not False:
        raise ExportRefused("--reason goes with --no-suppress")
    if args.suppress is None:
        return None
    return Suppression() if args.suppress else Suppression.off(args.reason)


def _for_authority(args: argparse.Namespace):
    """The settings of the authority `--la` names (refused, one line, unless the warehouse holds it), else
    CSW_LA_CODE's: a hub's statutory returns and pages are each one authority's (docs/regional-hub.md)."""
    from dataclasses import replace

    from exports.authorities import authority_for
    from foundation.warehouse import connect

    settings = get_settings()
    if not args.la:
        return settings
    con = connect(settings, read_only=True)
    try:
        return replace(settings, la_code=authority_for(con, args.la, settings.la_code))
    finally:
        con.close()


def cmd_export_ssda903(args: argparse.Namespace) -> int:
    from exports.statutory.ssda903 import export_ssda903

    settings = _for_authority(args)
    out = Path(args.out) if args.out else settings.output_dir
    files = export_ssda903(settings, args.year, out)
    for name, path in files.files.items():
        _say(f"wrote {path} ({files.rows[name]:,} rows)")
    _say(f"wrote {files.manifest}")
    for column, counts in files.codes_outside_year_list.items():
        _say(f"outside the {args.year} code list: {column} " + ", ".join(f"{v} ({n})" for v, n in counts.items()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from csw.pipeline import export_regional
    from exports.authorities import parse_codes

    out = Path(args.out) if args.out else get_settings().output_dir
    files = export_regional(args.period, out, la_codes=parse_codes(args.la), suppression=_suppression(args),
                            progress=_say)
    print_return_files(files)
    if args.email:
        from exports.regional.job import deliver

        deliver(get_settings(), args.period, files.paths, progress=_say)
    return 1 if files.held_back else 0  # a hub's authority held back by its own blocking failures (line said)


def cmd_export_annex_a(args: argparse.Namespace) -> int:
    from exports.statutory.annex_a import export_annex_a

    settings = _for_authority(args)
    files = export_annex_a(settings, args.as_of, Path(args.out) if args.out else settings.output_dir)
    for path in files.paths:
        _say(f"wrote {path}")
    _say("rows: " + ", ".join(f"list {number} {rows}" for number, rows in files.rows.items()))
    return 0


def cmd_export_cin(args: argparse.Namespace) -> int:
    from exports.statutory.cin import export_census

    settings = _for_authority(args)
    out = Path(args.out) if args.out else settings.output_dir
    files = export_census(settings, args.year, out, serial_no=args.serial)
    for path in files.paths:
        _say(f"wrote {path}")
    _say("CIN census: " + ", ".join(f"{name} {n}" for name, n in files.counts.items()))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from csw.pipeline import build, check, export_regional, ingest
    from foundation.periods import last_complete_quarter

    settings = get_settings()
    _say(f"warehouse {settings.warehouse} (target {settings.target}), as of {args.as_of}")
    _say(settings.secret_line())
    print_load_report(ingest(Path(args.landing), as_of=args.as_of, settings=settings, progress=_large_file_phases))
    result = build(as_of=args.as_of, settings=settings, progress=_say, full=FULL_BUILD if args.full else "",
                   unit_tests=True if args.unit_tests else None)
    _say("dbt build: " + ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())))
    run = check(as_of=args.as_of, settings=settings)
    print_check_run(run)
    if run.status != "PASSED" and not _some_authority_clear(run, settings):
        blocking = [f.check_name for f in run.failures if f.severity == "blocking"]
        _say(f"csw: export refused: {len(blocking)} blocking check(s) failed: {', '.join(blocking[:5])}")
        return 1
    period = args.period or last_complete_quarter(args.as_of).label
    out = Path(args.out) if args.out else settings.output_dir
    files = export_regional(period, out, settings=settings, progress=_say)  # a held-back authority: its line
    print_return_files(files)
    return 1 if files.held_back else 0


def _some_authority_clear(run, settings) -> bool:
    """A hub's check run whose blocking failures hold back some authorities only (docs/regional-hub.md)."""
    from exports.regional.job import return_authorities_of

    codes = return_authorities_of(settings)
    return len(run.held_back(codes)) < len(codes)


def cmd_validate(args: argparse.Namespace) -> int:
    """`csw validate ssda903|cin`: the published DfE validator on a statutory return (csw/validate.py)."""
    from csw.validate import validate
    from expectations.dfe_validators.runner import ValidatorError

    started = time.perf_counter()
    try:
        done = validate(args.return_name, args.year, args.dir or args.file, timeout=args.timeout)
    except ValidatorError as exc:
        print(f"csw: {exc}", file=sys.stderr)
        return 1
    run = done.run
    errors = sum(f.severity == "error" for f in run.findings)
    _say(f"{run.return_name} {run.year}: {len(run.findings)} findings ({errors} errors, "
         f"{len(run.findings) - errors} queries) on {len({f.child_id for f in run.findings})} children, "
         f"{len(run.return_level)} return-level; ruleset {run.ruleset} ({run.rules_in_registry} rules"
         + (f", {len(run.failed_rules)} could not run: {' '.join(run.failed_rules)}" if run.failed_rules else "")
         + f"); validator {run.validator_seconds:.1f} s, with storing and the report "
         f"{time.perf_counter() - started:.1f} s")
    if run.findings:
        _say(_table([(code, severity, n) for code, severity, n in run.counts()], ("rule", "class", "findings")))
    _say(f"stored in dq.dfe_findings (run {run.run_id}); error report by team: {done.report}")
    if args.compare:
        from csw.validate import compare_with_native
        from expectations.dfe_validators.compare import report_lines

        agreements = compare_with_native(run, get_settings())
        differ = [a for a in agreements if a.verdict != "agree"]
        _say(f"native rules vs the validator on the {len(run.children)} children of the return: "
             f"{len(agreements) - len(differ)} of {len(agreements)} rule codes agree")
        for line in report_lines(agreements, only_flagged=True):
            _say(line)
        return 3 if differ else 0
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from csw.summary import print_summary

    print_summary(get_settings(), out=Path(args.out) if args.out else None, say=_say)
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    from csw.pipeline import rekey

    settings = get_settings()
    _say(settings.secret_line())
    rewritten = rekey(as_of=args.as_of, settings=settings, progress=_say)
    _say(f"rekey done: {rewritten:,} child keys rewritten, marts rebuilt with the current secret")
    return 0


def cmd_report_scorecard(args: argparse.Namespace) -> int:
    from exports.reports.job import write_scorecard

    reports = ("scorecard", "panel") if args.report == "all" else (args.report,)
    settings = get_settings()
    write_scorecard(settings, args.period, Path(args.out) if args.out else None, reports=reports,
                    sharing=args.sharing, pdf=args.pdf, la_code=_for_authority(args).la_code, progress=_say)
    return 0


def cmd_commentary_set(args: argparse.Namespace) -> int:
    from exports.reports.commentary import set_line
    from foundation.warehouse import connect

    settings = _for_authority(args)
    con = connect(settings)
    try:
        line = set_line(con, args.indicator, args.period, args.text, by=args.by, la_code=settings.la_code,
                        home=get_settings().la_code)
    finally:
        con.close()
    _say(f"commentary for {line.indicator_id} {line.period_label} of authority {line.la_code} by {line.written_by} "
         "recorded: "
         "marts.rpt_scorecard (a view) and the next `csw report scorecard` show it")
    return 0


def cmd_commentary_list(args: argparse.Namespace) -> int:
    from exports.reports.commentary import history
    from foundation.warehouse import connect

    settings = get_settings()
    con = connect(settings, read_only=True)
    try:
        lines = history(con, args.indicator, args.period, la_code=args.la, home=settings.la_code)
    finally:
        con.close()
    _say(_table([(x.la_code, x.indicator_id, x.period_label, f"{x.written_at:%Y-%m-%d %H:%M}", x.written_by,
                  x.commentary) for x in lines], ("authority", "indicator", "period", "at (UTC)", "by", "commentary")))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from ingest.core.dbt_sources import write_all

    for path in write_all():
        _say(f"wrote {path}")
    return 0


def cmd_roles_apply(args: argparse.Namespace) -> int:
    """`csw roles apply`: per-authority reader roles and row-level security on Postgres (csw/roles.py)."""
    from csw.roles import RolesRefused, apply_roles

    codes = [code.strip() for code in (args.la or "").split(",") if code.strip()]
    try:
        done = apply_roles(get_settings(), codes, progress=_say)
    except RolesRefused as exc:  # e.g. DuckDB: one line, exit 1
        print(f"csw: {exc}", file=sys.stderr)
        return 1
    _say(f"row-level security applied for {len(done.authorities)} authorities ({', '.join(done.authorities)}): "
         "each bi_reader_<la_code> reads its own child-level rows and every aggregate mart, bi_regional the "
         "aggregate marts only")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="csw", description="Children's services performance warehouse.")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write a synthetic landing folder (demo and benchmark data)")
    g.add_argument("--out", required=True)
    g.add_argument("--la", default="841", help="the authority's code; a comma-separated list (841,840,805) writes "
                   "one folder per authority, <out>/<la_code>/<feed>/, each sized by its population")
    g.add_argument("--start", type=_date, default=date(2019, 4, 1))
    g.add_argument("--end", type=_date, default=date(2025, 3, 31))
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("-v", "--verbose", action="store_true", help="a line per file as it is written")
    g.add_argument("--benchmarks", action="store_true",
                   help="also the other North East authorities' returns and published figures (benchmarks feed)")
    g.add_argument("--defects", metavar="NAME[,NAME…]|all",
                   help="plant named data quality defects, each caught by a named check (synthetic/defects.py)")
    g.set_defaults(func=cmd_generate)

    i = sub.add_parser("ingest", help="load every new file of the landing folder, quarantine bad ones")
    i.add_argument("--landing", required=True)
    i.add_argument("--as-of", type=_date, help="extract date of files whose name carries none")
    i.add_argument("-v", "--verbose", action="store_true", help="a line per file as it loads")
    i.set_defaults(func=cmd_ingest)

    b = sub.add_parser("build", help="dbt build: models, seeds and their tests")
    b.add_argument("--as-of", type=_date, help="default: the newest case_system extract date")
    b.add_argument("--full", action="store_true", help=FULL_HELP)
    b.add_argument("--unit-tests", action="store_true", help=UNIT_TESTS_HELP)
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="Great Expectations checks; exit 1 if a blocking check fails")
    c.add_argument("--as-of", type=_date)
    c.add_argument("-v", "--verbose", action="store_true")
    c.add_argument("--alert", action="store_true", help="email CSW_ALERT_TO when a blocking check fails")
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("export", help="export files")
    esub = e.add_subparsers(dest="consumer", required=True)
    s903 = esub.add_parser("ssda903", help="the DfE's SSDA903 return (children looked after) for a collection year")
    s903.add_argument("--year", required=True, help="collection year, e.g. 2024-25 (ingest/ssda903/years/)")
    s903.add_argument("--out", help="output folder (default CSW_OUTPUT); files go to <out>/ssda903/<la_code>/<year>/")
    s903.add_argument("--la", help="the authority (a hub's warehouse holds several; default CSW_LA_CODE); refused unless the warehouse holds it")
    s903.set_defaults(func=cmd_export_ssda903)
    r = esub.add_parser("regional", help="the quarterly regional return")
    r.add_argument("--period", required=True, help="financial quarter, e.g. 2024-25Q4")
    r.add_argument("--out")
    small = r.add_mutually_exclusive_group()
    small.add_argument("--suppress", action="store_true", default=None,
                       help="suppress small numbers (1-4) as DfE publications do (the default, even when "
                            "CSW_SUPPRESSION=off)")
    small.add_argument("--no-suppress", dest="suppress", action="store_false",
                       help="show small numbers, for a data sharing agreement: needs --reason")
    r.add_argument("--reason", help="why small numbers are shown (e.g. the data sharing agreement's reference); "
                                    "printed on the cover sheet and in manifest.json")
    r.add_argument("--la", metavar="CODE[,CODE…]", help="only these authorities (default: one return per authority "
                   "in the marts, each into <out>/regional/<la_code>/<period>/)")
    r.add_argument("--email", action="store_true", help="also email the files to CSW_ALLIANCE_TO")
    r.set_defaults(func=cmd_export)

    annex = esub.add_parser("annex-a", help="Ofsted's Annex A workbook (lists 1-11) for the date of inspection")
    annex.add_argument("--as-of", type=_date, required=True, help="the date of inspection (YYYY-MM-DD)")
    annex.add_argument("--out", help="output folder (default CSW_OUTPUT); files go to annex_a/<la>/<date>/")
    annex.add_argument("--la", help="the authority (a hub's warehouse holds several; default CSW_LA_CODE); refused unless the warehouse holds it")
    annex.set_defaults(func=cmd_export_annex_a)
    cin = esub.add_parser("cin", help="the DfE's children in need census XML for a collection year")
    cin.add_argument("--year", required=True, help="collection year, e.g. 2024-25")
    cin.add_argument("--out", help="outbox folder (default CSW_OUTPUT); the file goes in cin/<LA>/<year>/")
    cin.add_argument("--serial", type=int, default=1, help="the file's <SerialNo> (default 1)")
    cin.add_argument("--la", help="the authority (a hub's warehouse holds several; default CSW_LA_CODE); refused unless the warehouse holds it")
    cin.set_defaults(func=cmd_export_cin)

    run = sub.add_parser("run", help="ingest, build, check, export: the DAG's work")
    run.add_argument("--landing", required=True)
    run.add_argument("--as-of", type=_date, required=True)
    run.add_argument("--out")
    run.add_argument("--period", help="quarter to export (default: the last complete quarter on --as-of)")
    run.add_argument("--full", action="store_true", help=FULL_HELP)
    run.add_argument("--unit-tests", action="store_true", help=UNIT_TESTS_HELP)
    run.set_defaults(func=cmd_run)

    v = sub.add_parser("validate", help="run the DfE's published validator (Data to Insight) on a statutory return")
    v.add_argument("return_name", choices=("ssda903", "cin"), metavar="{ssda903,cin}")
    v.add_argument("--year", required=True, help="collection year, e.g. 2024-25")
    given = v.add_mutually_exclusive_group()
    given.add_argument("--dir", type=Path, help="folder of the 903 CSVs (or holding the one CIN XML); default: the "
                       "year's export, $CSW_OUTPUT/<return>/<la_code>/<year>/")
    given.add_argument("--file", type=Path, help="the CIN census XML (or one 903 CSV)")
    v.add_argument("--timeout", type=float, help="seconds the validator may take (default 1800)")
    v.add_argument("--compare", action="store_true", help="also compare with our native DfE rules on the warehouse "
                   "(per rule code: agree / only native / only validator); exit 3 if any code differs")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("summary", help="what the warehouse holds: loads, models, checks, return files, sample values")
    s.add_argument("--out", help="output folder to list return files from")
    s.set_defaults(func=cmd_summary)

    k = sub.add_parser("rekey", help="after changing CSW_PSEUDONYMISATION_SECRET: recompute every child_key, rebuild the marts")
    k.add_argument("--as-of", type=_date, help="as-of date of the rebuild (default: the newest case_system extract date)")
    k.set_defaults(func=cmd_rekey)

    dq = sub.add_parser("dq", help="data quality: acknowledge known warnings, release a blocked quarter, the policy")
    dqsub = dq.add_subparsers(dest="dq_command", required=True)
    ack = dqsub.add_parser("acknowledge", help="acknowledge a warning: it stays in the results but stops alerting "
                           "(blocking checks cannot be acknowledged)")
    ack.add_argument("check", help="check name as `csw check` prints it, e.g. '903 L09'")
    ack.add_argument("--by", required=True, help="who acknowledges it")
    ack.add_argument("--reason", required=True, help="why it is known and accepted")
    ack.add_argument("--suite", help="the suite, when the check name runs in several")
    ack.add_argument("--expires", type=_date, help="last day the acknowledgement holds (default: until revoked)")
    ack.set_defaults(func=cmd_dq_acknowledge)
    acks = dqsub.add_parser("acknowledgements", help="list acknowledged warnings")
    acks.set_defaults(func=cmd_dq_acknowledgements)
    digest = dqsub.add_parser("digest", help="email CSW_ALERT_TO the new, unacknowledged warnings of the newest run")
    digest.set_defaults(func=cmd_dq_digest)
    rel = dqsub.add_parser("release", help="let a blocked quarter's return out: named, with a reason, alerted to the "
                           "team, printed on the return (holds for the data the newest check run saw)")
    rel.add_argument("--period", required=True, help="the quarter, e.g. 2024-25Q4")
    rel.add_argument("--by", required=True, help="who releases it")
    rel.add_argument("--reason", required=True, help="why the return may go out despite its blocking failures")
    rel.add_argument("--la", help="in a regional hub: the authority whose return it releases, its failures only "
                     "(default: every authority's)")
    rel.set_defaults(func=cmd_dq_release)
    rels = dqsub.add_parser("releases", help="list the releases of blocked quarters")
    rels.add_argument("--period", help="only this quarter")
    rels.set_defaults(func=cmd_dq_releases)
    pol = dqsub.add_parser("policy", help="validate the severity policy (expectations/policy.yml) and show its entries")
    pol.add_argument("--file", help="a policy file to validate (default: CSW_DQ_POLICY, else the shipped one)")
    pol.set_defaults(func=cmd_dq_policy)

    rep = sub.add_parser("report", help="pages people read (static HTML, no server, no network)")
    repsub = rep.add_subparsers(dest="report_kind", required=True)
    sc = repsub.add_parser("scorecard", help="the quarterly scorecard, a page per indicator, the corporate parenting "
                           "panel report and the data-quality page")
    sc.add_argument("--period", required=True, help="financial quarter, e.g. 2024-25Q4")
    sc.add_argument("--out", help="folder (default CSW_OUTPUT); pages go to <out>/scorecard/<period>/")
    sc.add_argument("--report", choices=("all", "scorecard", "panel"), default="all")
    sc.add_argument("--pdf", action="store_true", help="also print each report to an A4 PDF (headless Chromium)")
    sc.add_argument("--sharing", action="store_true",
                    help="for readers outside the council: small numbers withheld, into <period>-sharing/")
    sc.add_argument("--la", help="the authority (default CSW_LA_CODE; another's pages go to "
                    "<out>/scorecard/<la_code>/<period>/); refused unless the warehouse holds it")
    sc.set_defaults(func=cmd_report_scorecard)

    com = sub.add_parser("commentary", help="a performance officer's line per indicator and quarter")
    comsub = com.add_subparsers(dest="commentary_command", required=True)
    cset = comsub.add_parser("set", help="record the line (kept with its history; the newest line is shown)")
    cset.add_argument("indicator", help="indicator id, e.g. REREF_12M_PCT")
    cset.add_argument("period", help="financial quarter, e.g. 2024-25Q4")
    cset.add_argument("text")
    cset.add_argument("--by", required=True, help="who wrote it")
    cset.add_argument("--la", help="the authority the line is about (default CSW_LA_CODE); refused unless the "
                      "warehouse holds it")
    cset.set_defaults(func=cmd_commentary_set)
    clist = comsub.add_parser("list", help="every line written, newest first")
    clist.add_argument("--indicator")
    clist.add_argument("--period")
    clist.add_argument("--la", help="one authority's lines")
    clist.set_defaults(func=cmd_commentary_list)

    src = sub.add_parser("sources", help="rewrite the dbt source YAML from the feed contracts")
    src.set_defaults(func=cmd_sources)

    roles = sub.add_parser("roles", help="Postgres: per-authority reader roles and row-level security on the marts")
    rolesub = roles.add_subparsers(dest="roles_command", required=True)
    rapply = rolesub.add_parser("apply", help="create bi_reader_<la_code> for every authority and bi_regional, "
                                "secure every mart (re-runnable)")
    rapply.add_argument("--la", help="also these authorities (comma separated), before their first extract")
    rapply.set_defaults(func=cmd_roles_apply)
    return p


def main(argv: list[str] | None = None) -> int:
    disable_telemetry()
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one-line reason; the traceback only with CSW_DEBUG=1
        import os

        if os.environ.get("CSW_DEBUG"):
            raise
        expected = type(exc).__name__ in ("PipelineError", "ExportRefused", "ContractError", "AcknowledgementRefused",
                                            "UnknownDefect", "SecretRefused", "NoAsOfDate", "ReleaseRefused",
                                            "PolicyError", "UnknownAuthority") or isinstance(exc, OSError)
        reason = str(exc) if expected else f"{type(exc).__name__}: {exc}"
        print(f"csw: {reason}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
