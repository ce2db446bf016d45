"""Benchmark of the data layer: build, size on disk, load, show, export.

Run: python bench/atlas.py [--raw ../shared/data/raw] [--skip-build]
Targets on a 2-core machine: build < 2 min, atlas load < 2 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from divide import export, uploads  # noqa: E402
from divide.atlas import DEFAULT_ATLAS, Atlas  # noqa: E402
from divide.build.atlas import build  # noqa: E402
from divide.profile import territory_json  # noqa: E402


def timed(label: str, func, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best:8.3f} s")
    return result


def session_view(atlas: Atlas) -> None:
    """Cost of a session's uploads: the atlas view with an indicator and sites."""
    fixtures = ROOT / "tests" / "data" / "userdata"
    content = (fixtures / "indicator_communes_cp1252.csv").read_bytes()
    loaded = uploads.load_indicator(content, "c.csv", level="commune", atlas=atlas)
    ind = loaded.as_indicator("nb_lieux", unit="sites", direction="lower_worse")
    sites = uploads.load_sites(
        (fixtures / "sites_latlon.csv").read_bytes(), "s.csv", atlas
    )
    timed(
        "session view: atlas + 1 upload + sites",
        lambda: atlas.with_additions({ind.id: ind.values}, sites.sites),
        repeat=5,
    )
    tracemalloc.start()
    views = [atlas.with_additions({ind.id: ind.values}, sites.sites) for _ in range(5)]
    held = tracemalloc.get_traced_memory()[0] / len(views)
    tracemalloc.stop()
    print(f"{'session view: memory held (tracemalloc)':<48} {held / 1e6:8.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--raw", default=str(ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()

    if not args.skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            timed(
                "build (divide build, in process)",
                lambda: build(args.raw, tmp, log=lambda _: None),
            )

    size = sum(p.stat().st_size for p in DEFAULT_ATLAS.iterdir())
    print(f"{'atlas size on disk':<48} {size / 1e6:8.1f} MB")
    for p in sorted(DEFAULT_ATLAS.iterdir()):
        print(f"    {p.name:<44} {p.stat().st_size / 1e6:8.2f} MB")

    def load():
        atlas = Atlas.load()
        atlas.territories  # noqa: B018
        atlas.sites  # noqa: B018
        atlas.geometry("departement")
        return atlas

    timed("load atlas (territories + sites + dep shapes)", load, repeat=3)
    cold = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t0=time.perf_counter(); from divide.atlas import Atlas; "
            "t1=time.perf_counter(); a=Atlas.load(); a.territories; a.sites; "
            "a.geometry('departement'); t2=time.perf_counter(); print(t1-t0, t2-t1)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    imports, reading = (float(x) for x in cold.stdout.split())
    print(f"{'cold process: import pandas/geopandas/divide':<48} {imports:8.3f} s")
    print(f"{'cold process: read the atlas':<48} {reading:8.3f} s")
    atlas = load()
    timed(
        "show commune 29019 (JSON)",
        lambda: territory_json(atlas, "commune", "29019"),
        repeat=5,
    )
    timed("show france (JSON)", lambda: territory_json(atlas, "france", None), repeat=5)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in export.FORMATS:

            def run(fmt=fmt):
                frame = export.table(atlas, "commune", within="dep:29")
                return export.write(
                    atlas, "commune", frame, fmt, Path(tmp) / f"e.{fmt}"
                )

            timed(f"export communes of dep 29 as {fmt}", run, repeat=3)
    session_view(atlas)
    command = [sys.executable, "-m", "divide.cli", "show", "--level", "commune"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "--code", "29019"], capture_output=True, cwd=ROOT, check=True
    )
    elapsed = time.perf_counter() - start
    print(f"{'`divide show` as a command (whole process)':<48} {elapsed:8.3f} s")


if __name__ == "__main__":
    main()
