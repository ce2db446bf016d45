"""Benchmark of building-level ARCEP data on DuckDB, on SYNTHETIC data (prints only).

No copy of ARCEP's building files is available, so every figure here is measured
on SYNTHETIC data in the same layout (``divide buildings synth``), labelled so.

One real-size département (default: Finistère, 5 M eligibility rows):

1. write the SYNTHETIC official CSVs (``SYNTHETIC_base_imb_29.csv``, ``..._actuel_29``);
2. convert them to Parquet partitioned by département (DuckDB ``COPY``);
3. aggregate: premises by best class per commune and the 1 km grid.

``--national``: every département at a realistic per-département size (total
``--national-rows``, 440 M in ARCEP's files, shared by premises), written straight
to Parquet and aggregated; ``--scale`` runs a fraction of it and extrapolates
linearly (said so in the output).

Each stage runs in its own process so that its peak memory (``ru_maxrss``, which
counts DuckDB's native allocations, unlike tracemalloc) is its own; the RSS of
the same process right after its imports is printed beside it.

Run: python bench/address.py [--rows 5000000] [--national --scale 0.1] [--gzip]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1e6


def rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / MB


# ------------------------------------------------------------------ stages
def stage(args) -> dict:
    """Run one stage in this process; return its figures."""
    from divide.build.buildings import aggregate, engine, synth
    from divide.build.buildings.convert import convert

    con = engine.connect(threads=args.threads, memory_limit=args.memory_limit)
    con.execute("SELECT 1").fetchall()
    base = rss_mb()
    started = time.perf_counter()
    figures: dict = {}
    if args.stage == "synth":
        record = synth.synthesize(
            args.deps.split(","), args.rows, args.out, seed=1, fmt=args.format, con=con
        )
        figures = {"rows": record["eligibility_rows"], "buildings": record["buildings"]}
    elif args.stage == "convert":
        manifest = convert(args.src, args.out, con=con)
        rows = sum(f["rows"] for f in manifest["files"] if f["table"] == "eligibility")
        figures = {"rows": rows}
    elif args.stage == "aggregate":
        result = aggregate.aggregate(args.src, con=con)
        agg_out = aggregate.write(result, args.out)
        total = result.report["total"]
        per_dep = result.report["departements"]
        figures = {
            "rows": total["eligibility_rows"],
            "buildings": total["buildings"],
            "communes": len(result.communes),
            "cells": len(result.grid),
            "seconds_per_dep": {d: f["seconds"] for d, f in per_dep.items()},
            "rows_per_dep": {d: f["eligibility_rows"] for d, f in per_dep.items()},
            "output_mb": sum(p.stat().st_size for p in agg_out) / MB,
        }
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = rss_mb()
    figures["rss_after_imports_mb"] = base
    return figures


def run_stage(name: str, args, **options) -> dict:
    command = [sys.executable, __file__, "--stage", name]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.memory_limit:
        command += ["--memory-limit", args.memory_limit]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"stage {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(label: str, value: str) -> None:
    print(f"  {label:<44} {value}")


def show(name: str, f: dict, size: float | None = None) -> None:
    rate = f["rows"] / f["seconds"] if f["seconds"] else float("nan")
    print(f"SYNTHETIC — {name}")
    line("eligibility rows", f"{f['rows']:,}")
    line("time", f"{f['seconds']:.1f} s")
    line("rows/s", f"{rate / 1e6:.2f} M")
    line(
        "peak RSS (process; after imports)",
        f"{f['peak_rss_mb']:.0f} MB ({f['rss_after_imports_mb']:.0f} MB)",
    )
    if size is not None:
        line("size on disk", f"{size:.1f} MB")


# ------------------------------------------------------------------- plans
def one_departement(args, work: Path) -> None:
    csv, pq, out = work / "csv", work / "pq", work / "agg"
    f = run_stage(
        "synth", args, deps=args.departement, rows=args.rows, out=csv, format="csv"
    )
    show(f"write official CSVs, département {args.departement}", f, size_mb(csv))
    line("buildings", f"{f['buildings']:,}")
    f = run_stage("convert", args, src=csv, out=pq)
    show("convert .csv → Parquet (DuckDB COPY ... PARTITION_BY)", f, size_mb(pq))
    line("of which eligibility Parquet", f"{size_mb(pq / 'eligibility'):.1f} MB")
    if args.gzip:
        gz = work / "csv_gz"
        gz.mkdir()
        started = time.perf_counter()
        for path in csv.glob("*.csv"):
            with path.open("rb") as src, gzip.open(gz / f"{path.name}.gz", "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        shutil.copy(csv / "SYNTHETIC.json", gz)
        line("gzip (python, level 9)", f"{time.perf_counter() - started:.1f} s")
        line("size gzipped", f"{size_mb(gz):.1f} MB")
        f = run_stage("convert", args, src=gz, out=work / "pq_from_gz")
        show("convert .csv.gz (as published) → Parquet", f)
    f = run_stage("aggregate", args, src=pq, out=out)
    show("aggregate: communes + 1 km grid (DuckDB SQL)", f)
    line("communes, cells", f"{f['communes']:,}, {f['cells']:,}")


def national(args, work: Path) -> None:
    pq, out = work / "national", work / "national_agg"
    rows = round(args.national_rows * args.scale)
    f = run_stage("synth", args, deps="all", rows=rows, out=pq, format="parquet")
    show(f"write SYNTHETIC Parquet, 101 départements (scale {args.scale:g})", f)
    line("buildings", f"{f['buildings']:,}")
    size = size_mb(pq)
    line("Parquet on disk", f"{size:.0f} MB")
    g = run_stage("aggregate", args, src=pq, out=out)
    show("aggregate all départements, one at a time", g)
    per = sorted(g["seconds_per_dep"].items(), key=lambda kv: -kv[1])
    rows_per = g["rows_per_dep"]
    line("slowest départements", ", ".join(f"{d} {s:.2f} s" for d, s in per[:3]))
    line(
        "median time per département",
        f"{sorted(g['seconds_per_dep'].values())[len(per) // 2]:.2f} s "
        f"({sorted(rows_per.values())[len(per) // 2]:,} rows)",
    )
    line("communes, cells", f"{g['communes']:,}, {g['cells']:,}")
    line("outputs written (Parquet)", f"{g['output_mb']:.1f} MB")
    if args.scale != 1:
        k = 1 / args.scale
        print(f"EXTRAPOLATED to scale 1 ({args.national_rows:,} rows), linear in rows:")
        line("aggregation time", f"~{g['seconds'] * k / 60:.1f} min")
        line("Parquet size", f"~{size * k / 1000:.1f} GB")
        line(
            "peak RSS",
            "bounded by the largest département (one at a time): "
            "~the one-département figure above × its rows ratio",
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--departement", default="29")
    p.add_argument("--rows", type=int, default=5_000_000)
    p.add_argument("--gzip", action="store_true", help="also convert from .csv.gz")
    p.add_argument("--national", action="store_true")
    p.add_argument("--national-only", action="store_true")
    p.add_argument("--national-rows", type=int, default=440_000_000)
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--threads", type=int)
    p.add_argument("--memory-limit")
    p.add_argument("--workdir", help="keep the files here (default: a temp folder)")
    # internal: one stage in a child process
    p.add_argument("--stage", help=argparse.SUPPRESS)
    for name in ("deps", "out", "src", "format"):
        p.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.stage:
        print(json.dumps(stage(args)))
        return
    import duckdb

    print(f"DuckDB {duckdb.__version__}; every figure on SYNTHETIC data")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="divide_address_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not args.national_only:
            one_departement(args, work)
        if args.national or args.national_only:
            national(args, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
