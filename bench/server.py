"""Server time of the map pages under AppTest: first run, rerun, a change, back.

Measures, prints, asserts nothing. Each view opens in a fresh AppTest session of
the same process (Streamlit's caches are per process, like a server's): the
first visit fills the caches, the second shows what any later visitor pays, then
one control changes (the indicator, the classes or the slide) and changes back.

Run from the repository root::

    .venv/bin/python bench/server.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
VIEWS = (
    ("overview", {"lang": "en"}, "overview", None),
    ("map: départements", {"lang": "en", "mlevel": "departement"}, "map", "indicator"),
    (
        "map: communes of Finistère",
        {"lang": "en", "level": "departement", "code": "29", "mlevel": "commune"},
        "map",
        "indicator",
    ),
    (
        "map: communes of Auvergne-Rhône-Alpes",
        {"lang": "en", "level": "region", "code": "84", "mlevel": "commune"},
        "map",
        "map_method",
    ),
    ("map: EPCI", {"lang": "en", "mlevel": "epci"}, "map", "indicator"),
    (
        "map: communes, all of France",
        {"lang": "en", "mlevel": "commune_fr"},
        "map",
        "indicator",
    ),
    (
        "profile (Finistère)",
        {"lang": "en", "level": "departement", "code": "29"},
        "profile",
        None,
    ),
    (
        "access to mediation (Finistère)",
        {"lang": "en", "level": "departement", "code": "29"},
        "access",
        None,
    ),
    (
        "presenter slide 1",
        {"lang": "en", "level": "departement", "code": "29", "slide": "1"},
        "presenter",
        None,
    ),
)
CHANGES = {
    "indicator": ("poverty_rate", "thd30_share"),
    "map_method": ("natural_breaks", "quantiles"),
}


def run(params: dict, page: str) -> tuple[AppTest, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params.update(params)
    if page != "overview":  # AppTest knows the pages once app.py has run
        at.run()
        at.switch_page(f"pages/{page}.py")
    return at, timed(at)


def timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--views", help="substring of the view labels to keep")
    args = p.parse_args()
    print("| view | first visit s | later visit s (median) | change s | back s |")
    print("| --- | --- | --- | --- | --- |")
    for label, params, page, control in VIEWS:
        if args.views and args.views not in label:
            continue
        at, first = run(params, page)
        if at.exception:
            print(f"| {label} | error: {at.exception[0].message[:80]} | | | |")
            continue
        later = [run(params, page)[1] for _ in range(args.runs)]
        timings = "– | –"
        if control:
            new, other = CHANGES[control]
            old = at.selectbox(key=control).value
            at.selectbox(key=control).set_value(new if new != old else other)
            change = timed(at)
            at.selectbox(key=control).set_value(old)
            timings = f"{change:.2f} | {timed(at):.2f}"
        print(
            f"| {label} | {first:.2f} | {statistics.median(later):.2f} | {timings} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
