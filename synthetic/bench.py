"""`make bench`: wall time and peak memory of each stage on a generated extract. Prints figures; asserts nothing.

Each stage runs in its own process (`python -m synthetic.bench --stage …`) so its peak resident memory is its own.
The floor is a plain DuckDB read of every landing file: the least any loader could do. The ingest line gives
rows/s at the scale asked for (`--scale 20` for a region-sized estate); `--stages generate,floor,ingest`
measures the loader alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from foundation.settings import disable_telemetry

AS_OF = date(2025, 3, 31)
STAGES = ("generate", "floor", "ingest", "build", "check", "export")


def _stage(name: str, landing: Path, out: Path, scale: float) -> dict:
    """Run one stage in this process; return rows handled."""
    from csw import pipeline
    from foundation.periods import last_complete_quarter

    if name == "generate":
        from synthetic import generate

        return {"rows": sum(generate(landing, scale=scale).values())}
    if name == "floor":
        import duckdb

        con = duckdb.connect()
        total = 0
        for path in sorted(landing.rglob("*.csv")):
            total += con.execute("select count(*) from read_csv(?, header = true, all_varchar = true)", [str(path)]).fetchall()[0][0]
        return {"rows": total}
    if name == "ingest":
        report = pipeline.ingest(landing, as_of=AS_OF)
        return {"rows": report.rows_loaded, "files": report.count("loaded")}
    if name == "build":
        result = pipeline.build(as_of=AS_OF)
        return {"nodes": sum(result.counts.values())}
    if name == "check":
        run = pipeline.check(as_of=AS_OF)
        return {"checks": run.checks_run, "status": run.status}
    if name == "export":
        files = pipeline.export_regional(last_complete_quarter(AS_OF).label, out)
        return {"files": len(files.paths)}
    raise ValueError(name)


def run_stage_process(name: str, landing: Path, out: Path, scale: float, env: dict[str, str]) -> dict:
    cmd = [sys.executable, "-m", "synthetic.bench", "--stage", name, "--landing", str(landing), "--out", str(out), "--scale", str(scale)]
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"stage {name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return {"stage": name, "seconds": seconds, **payload}


def main(argv: list[str] | None = None) -> int:
    disable_telemetry()
    p = argparse.ArgumentParser(prog="synthetic.bench")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--landing")
    p.add_argument("--out")
    p.add_argument("--stages", default=",".join(STAGES),
                   help="comma-separated stages to run, in pipeline order (generate always runs first)")
    args = p.parse_args(argv)
    stages = [s for s in STAGES if s == "generate" or s in args.stages.split(",")]
    unknown = set(args.stages.split(",")) - set(STAGES)
    if unknown:
        p.error(f"unknown stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")

    if args.stage:  # child process: one stage, then a JSON line with its own peak memory
        started = time.perf_counter()
        payload = _stage(args.stage, Path(args.landing), Path(args.out), args.scale)
        payload["in_process_seconds"] = time.perf_counter() - started
        payload["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(payload))
        return 0

    with tempfile.TemporaryDirectory(prefix="csw-bench-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, CSW_WAREHOUSE=str(base / "warehouse" / "csw.duckdb"),
                   CSW_QUARANTINE=str(base / "quarantine"), CSW_OUTPUT=str(base / "output"))
        print(f"benchmark: scale {args.scale}, as of {AS_OF}, in {base} ({os.cpu_count()} cores)", flush=True)
        results = []
        for name in stages:
            r = run_stage_process(name, base / "landing", base / "output", args.scale, env)
            results.append(r)
            detail = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in r.items()
                               if k not in ("stage", "seconds", "in_process_seconds", "peak_mb"))
            print(f"  {name:<9} {r['seconds']:7.1f} s wall ({r['in_process_seconds']:6.1f} s in stage)  "
                  f"peak {r['peak_mb']:7.0f} MB  {detail}", flush=True)
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
        timed = [r for r in results if r["stage"] != "floor"]
        print(f"total of the stages run ({' → '.join(r['stage'] for r in timed)}; wall, incl. process start-up): "
              f"{sum(r['seconds'] for r in timed):.1f} s; peak memory of any stage: "
              f"{max(r['peak_mb'] for r in results):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
