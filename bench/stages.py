"""`make bench`: wall time and peak memory of each stage on a generated extract. Prints figures; asserts nothing.

Each stage runs in its own process (`python -m bench --stage …`) so its peak resident memory is its own.
The floor is a plain DuckDB read of every landing file: the least any loader could do. The ingest line gives
rows/s at the scale asked for (`--scale 20` for a region-sized estate); `--stages generate,floor,ingest`
measures the loader alone.

`--las N` (`make bench LAS=N`) generates N English authorities (Darlington first, then in
`synthetic.reference.ENGLAND` order: the North East's, then the other regions'), one folder each, sized by
population (docs/regional-hub.md); the stages then load, build, check and export all of them (one regional return
per authority). The generator and the reference data know England's 153 authorities, so N is at most 153 (the
national size, `LAS=150`, is a heavy run: a larger N is refused).
Each stage's line gives its rows and its wall time against the floor's (`× floor`).

The `delta` stage is a day's increment: the newest health file of the first authority is held back from the
ingest (`hold_back_delta`, right after generating), then landed and loaded as an `ingest__health` run loads its
day (`load_feed`), and the warehouse built again, incremental after the build stage's recorded build
(csw/refresh.py, docs/regional-hub.md). Its line gives its share of the full rebuild (ingest + build stages).

The `build` stage is a full build as every night's first (its as-of moved): models, seeds and data tests, without
dbt's unit tests, which a warehouse runs once per version of the dbt project (csw/refresh.py). The `unit` stage runs
them on their own, as the first build of a release does, and is not part of the refresh's total. Nor is the `parse`
stage before the build: dbt's full parse of the project as of the day before, as the last night's run left it.
dbt parses the whole project again only when the project, dbt or the profile changed; a night's build re-parses
what the new as-of changes (csw/dbt.py), and that is in the build stage's time.

`--data DIR` keeps the generated landing folder in DIR and reuses it on the next run of the same `--las` and
`--scale` (a national extract takes most of an hour to generate): the generate stage then prints the rows and time
recorded when it was made, and every other stage runs on a fresh warehouse as usual (made in `DIR/run/`, kept there
after the run to be looked into, and removed when the next run starts). The delta stage's file is put
back where it waits when the run ends, so the folder stays as generated (in a `--data` folder that file is
always held back, whichever stages run).

`--big-files` measures instead what one file can cost the loader (bounded reading): a one-line file of
`--line-mb` MB (refused by the line cap) and a well-formed `ssd_contacts.csv` of `--big-mb` MB (generated
contacts repeated under new ids), each ingested in its own process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from foundation.settings import disable_telemetry

AS_OF = date(2025, 3, 31)
STAGES = ("generate", "floor", "ingest", "parse", "build", "unit", "check", "export", "delta")
DELTA_FEED = "health"


def authorities(las: int) -> list[str]:
    """The first `las` English authorities (synthetic.reference.ENGLAND: the North East's, Darlington, the default
    CSW_LA_CODE, first; then the other regions')."""
    from synthetic.reference import ENGLAND

    codes = [a.la_code for a in ENGLAND]
    if not 1 <= las <= len(codes):
        raise SystemExit(f"bench: --las {las}: the generator knows England's {len(codes)} "
                         f"authorities, so 1 to {len(codes)}")
    return codes[:las]


def _delta_folder(landing: Path, las: int) -> Path:
    """The delta feed's folder of the first authority."""
    return (landing / authorities(las)[0] if las > 1 else landing) / DELTA_FEED


def hold_back_delta(landing: Path, las: int) -> Path:
    """Move the first authority's newest health file out of the landing folder (into `<landing>/../delta/`)
    until the delta stage lands it; returns where it waits."""
    newest = max(_delta_folder(landing, las).glob("*.csv"))  # dated names (…_<YYYYMMDD>.csv) sort by date
    held = landing.parent / "delta" / newest.name
    held.parent.mkdir(parents=True, exist_ok=True)
    newest.rename(held)
    return held


GENERATED = "generated.json"  # in a --data folder: what its landing holds (las, scale, rows, seconds, held file)


def reused_generation(data: Path, las: int, scale: float) -> dict | None:
    """The generate stage's result recorded in a `--data` folder when it holds a landing of these `las` and `scale`;
    None when it is empty or missing; SystemExit when it holds anything else (nothing in it is removed)."""
    marker = data / GENERATED
    if marker.is_file():
        made = json.loads(marker.read_text())
        if made["las"] == las and made["scale"] == scale:
            return made
        raise SystemExit(f"bench: --data {data} holds {made['las']} authorities at scale {made['scale']:g}, "
                         f"not {las} at {scale:g}: choose another folder, or empty this one")
    if data.exists() and any(data.iterdir()):
        raise SystemExit(f"bench: --data {data} is not empty and holds no {GENERATED}: choose an empty "
                         "or new folder")
    return None


def record_generation(data: Path, las: int, scale: float, result: dict, held: Path | None) -> dict:
    """Record in `data` what its landing holds, so the next run of the same size reuses it; returns the record."""
    made = {"las": las, "scale": scale, "rows": result["rows"], "seconds": result["seconds"],
            "cpu_seconds": result["cpu_seconds"], "peak_mb": result["peak_mb"], "held": held.name if held else None}
    (data / GENERATED).write_text(json.dumps(made))
    return made


def put_back_delta(landing: Path, las: int, name: str) -> None:
    """After a run: the delta stage's file, landed by it, goes back to `<landing>/../delta/` to wait again."""
    landed = _delta_folder(landing, las) / name
    if landed.exists():
        landed.rename(landing.parent / "delta" / name)


def _delta(landing: Path, las: int) -> dict:
    """Land the held file, load its day of the feed (as `ingest__health` does) and build again."""
    from csw import pipeline
    from foundation.settings import get_settings
    from foundation.warehouse import connect
    from ingest.core.load import extract_date_of, load_feed

    held = next((landing.parent / "delta").glob("*.csv"))  # hold_back_delta's
    landed = _delta_folder(landing, las) / held.name
    held.rename(landed)
    settings = get_settings()
    con = connect(settings)
    try:
        report = load_feed(con, landing, DELTA_FEED, settings, day=extract_date_of(landed, AS_OF), as_of=AS_OF)
    finally:
        con.close()
    said: list[str] = []
    result = pipeline.build(as_of=AS_OF, progress=said.append)
    return {"rows": report.rows_loaded, "files": report.count("loaded"), "nodes": sum(result.counts.values()),
            "build": said[0].split("), ", 1)[-1]}


def _stage(name: str, landing: Path, out: Path, scale: float, las: int = 1) -> dict:
    """Run one stage in this process; return rows handled."""
    from csw import pipeline
    from foundation.periods import last_complete_quarter

    if name == "generate":
        from synthetic import generate, generate_region

        if las == 1:  # one authority: the flat landing layout, as before
            return {"rows": sum(generate(landing, scale=scale).values())}
        return {"rows": sum(generate_region(landing, authorities(las), scale=scale).values()), "authorities": las}
    if name == "floor":
        import duckdb

        con = duckdb.connect()
        total = 0
        for path in sorted(landing.rglob("*.csv")):
            total += con.execute("select count(*) from read_csv($1, header = true, all_varchar = true)",
                                 [str(path)]).fetchall()[0][0]
        return {"rows": total}
    if name == "ingest":
        report = pipeline.ingest(landing, as_of=AS_OF)
        payload = {"rows": report.rows_loaded, "files": report.count("loaded")}
        if report.quarantined:
            payload["quarantined"] = "; ".join(f.reason for f in report.quarantined)
        return payload
    if name == "parse":  # last night's: a full parse as of the day before, kept for the build's partial one
        from csw.dbt import run_dbt
        from foundation.settings import get_settings

        parsed = run_dbt("parse", get_settings(), AS_OF - timedelta(days=1), ["--no-partial-parse", "--quiet"])
        if not parsed.success:
            raise RuntimeError("dbt parse failed: " + "; ".join(parsed.failures))
        return {}
    if name == "build":
        from foundation.settings import get_settings
        from foundation.warehouse import connect, first_row

        result = pipeline.build(as_of=AS_OF, unit_tests=False)  # a nightly full build: the unit tests are `unit`
        con = connect(get_settings())  # as dbt's in-process connection (DuckDB refuses a mix)
        try:
            values = first_row(con, "select count(*) from marts.fct_indicator_values")[0]
        finally:
            con.close()
        return {"rows": int(values), "nodes": sum(result.counts.values())}  # rows: indicator values
    if name == "unit":
        result = pipeline.unit_tests(as_of=AS_OF)
        return {"unit_tests": sum(result.counts.values())}
    if name == "check":
        run = pipeline.check(as_of=AS_OF)
        return {"checks": run.checks_run, "status": run.status}
    if name == "delta":
        return _delta(landing, las)
    if name == "export":
        files = pipeline.export_regional(last_complete_quarter(AS_OF).label, out)
        return {"rows": sum(f.csv_rows for f in files.by_authority.values()), "returns": len(files.by_authority),
                "files": len(files.paths)}
    raise ValueError(name)


def run_stage_process(name: str, landing: Path, out: Path, scale: float, env: dict[str, str], las: int = 1) -> dict:
    cmd = [sys.executable, "-m", "bench", "--stage", name, "--landing", str(landing), "--out", str(out),
           "--scale", str(scale), "--las", str(las)]
    started, cpu_before = time.perf_counter(), _children_cpu()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"stage {name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return {"stage": name, "seconds": seconds, "cpu_seconds": cpu, **payload}


def stage_line(r: dict, floor: float | None) -> str:
    """`  build     83.1 s wall ( 80.2 s in stage,  79.0 s CPU)  peak  1234 MB  rows 1,234  21.7x floor  nodes 461`:
    the stage's rows and its in-stage time over the floor's (a plain DuckDB read of the same files)."""
    rows = f"rows {r['rows']:>11,}" if "rows" in r else " " * 16
    ratio = f"{r['in_process_seconds'] / floor:7.1f}x floor" if floor and r["stage"] != "floor" else " " * 13
    detail = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in r.items()
                       if k not in ("stage", "rows", "seconds", "cpu_seconds", "in_process_seconds", "peak_mb"))
    return (f"  {r['stage']:<9} {r['seconds']:7.1f} s wall ({r['in_process_seconds']:6.1f} s in stage, "
            f"{r['cpu_seconds']:6.1f} s CPU)  peak {r['peak_mb']:7.0f} MB  {rows}  {ratio}  {detail}").rstrip()


def refresh_line(refresh: list[dict], floor: dict | None) -> str:
    """The refresh's stages together against the floor, like with like: in-stage time against the floor's in-stage
    time (neither with its process's start-up: `csw run` starts one process for every stage, the bench one a stage),
    and the stages' wall time, start-ups included, against the floor's."""
    in_stage = sum(r["in_process_seconds"] for r in refresh)
    wall = sum(r["seconds"] for r in refresh)
    line = (f"refresh ({' → '.join(r['stage'] for r in refresh)}): {in_stage:.1f} s in stage ({wall:.1f} s wall "
            f"with each stage's process start), {sum(r['cpu_seconds'] for r in refresh):.1f} s CPU")
    if floor:
        line += (f"; {in_stage / floor['in_process_seconds']:.1f}x the floor ({floor['in_process_seconds']:.1f} s "
                 f"in stage; wall {wall / floor['seconds']:.1f}x its {floor['seconds']:.1f} s)")
    return line + f"; peak memory {max(r['peak_mb'] for r in refresh):.0f} MB"


def delta_line(by: dict[str, dict]) -> str:
    """The daily delta against the full rebuild (ingest + build stages, in-stage time and CPU) and the build alone."""
    delta = by["delta"]
    line = (f"daily delta (one new {DELTA_FEED} file of one authority, loaded and built): "
            f"{delta['in_process_seconds']:.1f} s in stage, {delta['cpu_seconds']:.1f} s CPU")
    full = [by[s] for s in ("ingest", "build") if s in by]
    if len(full) == 2:
        wall, cpu = sum(r["in_process_seconds"] for r in full), sum(r["cpu_seconds"] for r in full)
        line += (f" = {delta['in_process_seconds'] / wall:.0%} of the full rebuild's {wall:.1f} s in stage "
                 f"({delta['cpu_seconds'] / cpu:.0%} of its {cpu:.1f} s CPU; ingest + build)")
        build = by["build"]
        line += (f"; {delta['in_process_seconds'] / build['in_process_seconds']:.0%} of the build stage alone "
                 f"({delta['cpu_seconds'] / build['cpu_seconds']:.0%} of its CPU)")
    return line


def warm_landing(landing: Path) -> int:
    """Read every file of the landing folder once, untimed; returns the bytes read. The floor runs first: without
    this it alone would read what was not yet in the page cache (a reused landing, or one the generator wrote long
    ago) and the ingest after it would read from memory, flattering the ratio; the plain read measured 17.3-19.5 s
    warm against 22.0 s cold for the region's. A run without the floor reads it first too, so its ingest is timed
    warm as well (before 4 December's evening the bench did not: such an ingest figure may have read from disk)."""
    total = 0
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        with path.open("rb") as f:
            while chunk := f.read(1 << 22):
                total += len(chunk)
    return total


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children: on a shared machine a stage's CPU time
    moves far less with the load than its wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _write_one_line(path: Path, mb: int) -> int:
    """A file of one line of `mb` MB (commas, as a header of blank columns would be) and no line end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        for _ in range(mb):
            f.write(b"," * 1024**2)
    return path.stat().st_size


def _write_big_contacts(path: Path, source: Path, mb: int) -> int:
    """A well-formed `ssd_contacts.csv` of about `mb` MB: the generated contacts again and again, each copy under
    new contact ids (the key must stay unique); the people are the generated ones, so the child keys stay few."""
    with source.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        copy = 0
        while f.tell() < mb * 1024**2:
            copy += 1
            writer.writerows([[f"{row[0]}-{copy}", *row[1:]] for row in rows])
    return path.stat().st_size


def _big_files(base: Path, line_mb: int, big_mb: int) -> None:
    print(f"bounded reading: a {line_mb} MB one-line file and a {big_mb} MB well-formed file, each ingested by "
          f"its own process (the baseline: one with no file), in {base}", flush=True)
    generated = base / "generated"
    run_stage_process("generate", generated, base / "output", 1.0, dict(os.environ))
    cases = {
        "no file (baseline)": lambda landing: (landing / "case_system").mkdir(parents=True) or 0,
        f"one line of {line_mb} MB": lambda landing: _write_one_line(
            landing / "case_system" / "ssd_department.csv", line_mb),
        f"well-formed, {big_mb} MB": lambda landing: _write_big_contacts(
            landing / "case_system" / "ssd_contacts.csv", generated / "case_system" / "ssd_contacts.csv", big_mb),
    }
    for label, write in cases.items():
        case = base / label.split(",")[0].replace(" ", "_")
        size = write(case / "landing")
        env = dict(os.environ, CSW_WAREHOUSE=str(case / "warehouse" / "csw.duckdb"),
                   CSW_QUARANTINE=str(case / "quarantine"), CSW_OUTPUT=str(case / "output"))
        r = run_stage_process("ingest", case / "landing", case / "output", 1.0, env)
        outcome = f"refused: {r['quarantined']}" if "quarantined" in r else f"{r['rows']:,} rows loaded"
        print(f"  {label:<22} {size / 1024**2:7,.0f} MB  {r['seconds']:7.1f} s wall  peak {r['peak_mb']:7,.0f} MB  "
              f"{outcome}", flush=True)
        shutil.rmtree(case)


def main(argv: list[str] | None = None) -> int:
    disable_telemetry()
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--las", type=int, default=1, help="authorities to generate and run (1-12, the North East's)")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--landing")
    p.add_argument("--out")
    p.add_argument("--stages", default=",".join(STAGES),
                   help="comma-separated stages to run, in pipeline order (generate always runs first)")
    p.add_argument("--data", help="keep the generated landing in this folder and reuse it on the next run of the "
                                   "same --las and --scale")
    p.add_argument("--big-files", action="store_true",
                   help="instead of the stages: ingest a one-line file and a big well-formed file, time and peak "
                        "memory")
    p.add_argument("--line-mb", type=int, default=200, help="size of the one-line file of --big-files (MB)")
    p.add_argument("--big-mb", type=int, default=1024, help="size of the well-formed file of --big-files (MB)")
    args = p.parse_args(argv)
    stages = [s for s in STAGES if s == "generate" or s in args.stages.split(",")]
    unknown = set(args.stages.split(",")) - set(STAGES)
    if unknown:
        p.error(f"unknown stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")

    if args.stage:  # child process: one stage, then a JSON line with its own peak memory
        started = time.perf_counter()
        payload = _stage(args.stage, Path(args.landing), Path(args.out), args.scale, args.las)
        payload["in_process_seconds"] = time.perf_counter() - started
        payload["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(payload))
        return 0

    if args.big_files:
        with tempfile.TemporaryDirectory(prefix="csw-bench-") as tmp:
            _big_files(Path(tmp), args.line_mb, args.big_mb)
        return 0

    codes = authorities(args.las)  # refused before any work
    data = Path(args.data).resolve() if args.data else None
    made = reused_generation(data, args.las, args.scale) if data else None
    with tempfile.TemporaryDirectory(prefix="csw-bench-") as tmp:
        base = Path(tmp)
        if data:  # the run's warehouse, quarantine and output kept beside the landing until the next run
            base = data / "run"
            shutil.rmtree(base, ignore_errors=True)
        landing = (data or base) / "landing"
        env = dict(os.environ, CSW_WAREHOUSE=str(base / "warehouse" / "csw.duckdb"),
                   CSW_QUARANTINE=str(base / "quarantine"), CSW_OUTPUT=str(base / "output"))
        print(f"benchmark: {args.las} authorit{'y' if args.las == 1 else 'ies'} ({', '.join(codes)}), scale "
              f"{args.scale}, as of {AS_OF}, in {base} ({os.cpu_count()} cores)"
              + (f"; landing {'reused from' if made else 'kept in'} {data}" if data else ""), flush=True)
        results = []
        floor = None
        warmed = 0
        try:
            for name in stages:
                if name == "generate" and made:
                    r = {"stage": name, "in_process_seconds": made["seconds"], **made}
                    r = {k: v for k, v in r.items() if k not in ("las", "scale", "held")} | {"reused": "yes"}
                else:
                    if name in ("floor", "ingest") and not warmed:
                        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
                        warmed = warm_landing(landing)
                        print(f"  (the landing's files, {warmed / 1024**2:,.0f} MB, read once first: " + (
                            "the floor and the ingest both read them from the page cache)" if warmed < free else
                            f"more than the {free / 1024**2:,.0f} MB of free memory, so both read partly from "
                            "disk)"), flush=True)
                    r = run_stage_process(name, landing, base / "output", args.scale, env, args.las)
                results.append(r)
                floor = r["in_process_seconds"] if name == "floor" else floor
                print(stage_line(r, floor), flush=True)
                if name == "generate" and not made:
                    held = hold_back_delta(landing, args.las) if "delta" in stages or data else None
                    if data:
                        made = record_generation(data, args.las, args.scale, r, held)
        finally:
            if data and made and made.get("held"):
                put_back_delta(landing, args.las, made["held"])
        by = {r["stage"]: r for r in results}
        if "ingest" in by:
            ingest = by["ingest"]["in_process_seconds"]
            line = (f"ingest throughput at scale {args.scale:g}: {by['ingest']['rows'] / ingest:,.0f} rows/s "
                    f"({by['ingest']['rows']:,} rows in {by['ingest']['files']} files, {ingest:.1f} s)")
            if "floor" in by:
                floor = by["floor"]["in_process_seconds"]
                line += (f"; floor (plain DuckDB read) {by['floor']['rows'] / floor:,.0f} rows/s; "
                         f"ingest / floor = {ingest / floor:.1f}x")
            print(line, flush=True)
        if "delta" in by:
            print(delta_line(by), flush=True)
        if "unit" in by:
            unit = by["unit"]
            print(f"dbt unit tests: {unit['in_process_seconds']:.1f} s in stage, {unit['cpu_seconds']:.1f} s "
                  "CPU, once per version of the dbt project (the first full build of a release runs them; the "
                  "refresh below does not)", flush=True)
        if "parse" in by:
            print(f"dbt's full parse of the project: {by['parse']['in_process_seconds']:.1f} s in stage, once per "
                  "change of the project, dbt or the profile (a night's build re-parses only what its new as-of "
                  "changes; the refresh below does not include it)", flush=True)
        refresh = [r for r in results if r["stage"] in ("ingest", "build", "check", "export")]
        if refresh:
            print(refresh_line(refresh, by.get("floor")), flush=True)
        timed = [r for r in results if r["stage"] != "floor"]
        print(f"total of the stages run ({' → '.join(r['stage'] for r in timed)}; wall, incl. process start-up): "
              f"{sum(r['seconds'] for r in timed):.1f} s; peak memory of any stage: "
              f"{max(r['peak_mb'] for r in results):.0f} MB")
    return 0

