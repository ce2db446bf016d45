"""Browser timings of the real app, each as a ratio to an empty Streamlit page.

Measures, prints, asserts nothing. Two servers run side by side on loopback, from
the same repository, with the same Streamlit and config: the real app
(``app.py``) and an empty page (``bench/empty_page.py``: a title, nothing else,
reachable only here). Headless Chromium (Debian's ``/usr/bin/chromium``) opens
each view in a fresh browser context (no HTTP cache, a new Streamlit session),
round-robin with the empty page so both see the same machine load, ``--runs``
times after one warm-up visit per view.

"Drawn" means, polled every 50 ms inside the page and held for 1 s: the page
title (``h1``) is there, no element is stale or still a skeleton (Streamlit
loads each kind of element's code on first use and shows a skeleton until
then), Streamlit shows no "running" status, every folium map has drawn its
shapes (SVG paths, or pixels on Leaflet's canvas; in an iframe or in the page),
every plotly chart has its SVG and every Vega chart its marks, and the view's
own map or chart exists. The time is from navigation start
(``performance.timeOrigin``) to the start of that stable second.

Bytes over the wire are counted from the Chrome DevTools Protocol until the view
is drawn: HTTP as ``Network.loadingFinished.encodedDataLength`` (headers and
body as received, compressed), websocket as the decoded payloads of
``Network.webSocketFrameReceived``. Streamlit's server sends its own code
uncompressed (no ``Content-Encoding``, even when the browser asks for gzip), so
a second HTTP column says what the same responses weigh gzipped (level 6, as a
compressing proxy in front of the server would send them): each response that
came uncompressed is fetched again from the server and its body gzipped; the
ones already compressed count as received.

Cold start: a fresh server process is launched and the first page (``/``) is
opened as soon as it answers its health check; the time runs from the launch
to the first page drawn, for the app and for the empty page.

Run from the repository root::

    .venv/bin/python bench/browser.py [--runs 5] [--cold-runs 2] [--views map_29,...]
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # appserver
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402

EMPTY_SCRIPT = "bench/empty_page.py"
FLOOR_SCRIPT = "bench/floor_page.py"
MB = 1e6


@dataclass(frozen=True)
class View:
    key: str
    label: str
    url: str
    needs: str | None  # "map" (a folium map), "plot" (a chart) or None
    server: str = "app"  # which of the bench's servers serves it


VIEWS = (
    View("overview", "overview", "/overview?lang=en", "map"),
    View(
        "map_dep",
        "map: départements, national",
        "/map?lang=en&mlevel=departement&ind=thd30_share",
        "map",
    ),
    View(
        "map_29",
        "map: communes of Finistère",
        "/map?lang=en&level=departement&code=29&mlevel=commune&ind=thd30_share",
        "map",
    ),
    View(
        "map_62",
        "map: communes of Pas-de-Calais",
        "/map?lang=en&level=departement&code=62&mlevel=commune&ind=thd30_share",
        "map",
    ),
    View(
        "map_84",
        "map: communes of Auvergne-Rhône-Alpes",
        "/map?lang=en&level=region&code=84&mlevel=commune&ind=thd30_share",
        "map",
    ),
    View(
        "map_epci",
        "map: EPCI, national",
        "/map?lang=en&mlevel=epci&ind=thd30_share",
        "map",
    ),
    View(
        "map_fr",
        "map: communes, all of France",
        "/map?lang=en&mlevel=commune_fr&ind=thd30_share",
        "map",
    ),
    View(
        "presenter",
        "presenter, slide 1",
        "/presenter?lang=en&level=departement&code=29&slide=1",
        "plot",
    ),
    View(
        "access",
        "access to mediation (Finistère)",
        "/access?lang=en&level=departement&code=29",
        "map",
    ),
    View(
        "profile",
        "profile (Finistère)",
        "/profile?lang=en&level=departement&code=29",
        "map",
    ),
)
EMPTY = View("empty", "empty Streamlit page", "/", None, "empty")
FLOOR = View("floor", "Streamlit floor of a map page (no data)", "/", "map", "floor")
FLOOR_PARTS = (  # --floor-parts: what each part of the floor weighs
    View(
        "floor_no_table", "floor without its table", "/?without=table", "map", "floor"
    ),
    View("floor_no_map", "floor without its map", "/?without=map", None, "floor"),
    View("floor_v2", "floor, its map in the page", "/?map=v2", "map", "floor"),
    View(
        "floor_no_widgets",
        "floor without its widgets",
        "/?without=widgets",
        "map",
        "floor",
    ),
)


def ready_script(needs: str | None, map_drawn_js: str) -> str:
    """Init script: record in ``window.__readyAt`` when the view is drawn."""
    return f"""
(() => {{
  if (window.top !== window) return;
  const NEEDS = {json.dumps(needs)};
  const MAP_DRAWN = {json.dumps("(" + map_drawn_js + ")()")};
  const STABLE = 1000;
  let since = null;
  function drawn() {{
    const d = document;
    if (!d.querySelector('h1')) return false;
    // an element whose code is still loading shows a skeleton in its place
    if (d.querySelector('[data-stale="true"], [data-testid^="stStatusWidgetRunning"], '
                        + '[data-testid="stSkeleton"]'))
      return false;
    if (d.querySelector('[data-testid="stException"]')) {{ window.__error = true; }}
    let maps = 0, plots = 0;
    for (const f of d.querySelectorAll('iframe')) {{
      const title = f.title || '';
      if (!title.includes('streamlit_folium') && !title.includes('divide_national_map'))
        continue;
      let ok = false;
      try {{ ok = !!f.contentWindow.eval(MAP_DRAWN); }} catch (e) {{ ok = false; }}
      if (!ok) return false;
      maps += 1;
    }}
    for (const p of d.querySelectorAll('.js-plotly-plot')) {{
      if (!p.querySelector('.main-svg')) return false;
      plots += 1;
    }}
    for (const v of d.querySelectorAll('.vega-embed')) {{
      if (!v.querySelector('svg.marks, canvas.marks')) return false;
      plots += 1;
    }}
    if (d.querySelector('.leaflet-container')) {{
      if (!eval(MAP_DRAWN)) return false;
      maps += 1;
    }}
    if (NEEDS === 'map' && maps === 0) return false;
    if (NEEDS === 'plot' && plots === 0) return false;
    return true;
  }}
  setInterval(() => {{
    if (window.__readyAt !== undefined) return;
    const now = performance.now();
    if (drawn()) {{
      if (since === null) since = now;
      if (now - since >= STABLE) window.__readyAt = since;
    }} else since = null;
  }}, 50);
}})();
"""


@dataclass
class Sample:
    seconds: float
    http: int
    http_gzipped: int
    ws: int
    error: bool = False


@dataclass
class Result:
    view: View
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def min(self, attr: str) -> float:
        return min(getattr(s, attr) for s in self.samples)


def visit(
    browser,
    base: str,
    view: View,
    map_js: str,
    timeout: float,
    network: dict | None = None,
) -> Sample:
    """Open one view in a fresh context; time it and count the bytes.

    ``network``: the conditions of a slower link, as Chrome's
    ``Network.emulateNetworkConditions`` takes them (latency, throughputs).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if network:
            cdp.send("Network.emulateNetworkConditions", network)
        ws_bytes = 0
        plain: dict[str, str] = {}  # request id -> URL, for uncompressed responses
        received: dict[str, int] = {}  # request id -> bytes received

        def response(event):
            headers = {k.lower() for k in event["response"].get("headers", {})}
            if "content-encoding" not in headers:
                plain[event["requestId"]] = event["response"]["url"]

        def http(event):
            received[event["requestId"]] = int(event.get("encodedDataLength") or 0)

        def ws(event):
            nonlocal ws_bytes
            frame = event["response"]
            data = frame.get("payloadData", "")
            if frame.get("opcode") == 2:  # binary frames arrive base64-encoded
                ws_bytes += len(base64.b64decode(data))
            else:
                ws_bytes += len(data.encode())

        cdp.on("Network.responseReceived", response)
        cdp.on("Network.loadingFinished", http)
        cdp.on("Network.webSocketFrameReceived", ws)
        page.add_init_script(ready_script(view.needs, map_js))
        page.goto(base + view.url, wait_until="commit")
        page.wait_for_function(
            "() => window.__readyAt !== undefined", timeout=timeout * 1000, polling=100
        )
        seconds = page.evaluate("window.__readyAt") / 1000
        error = bool(page.evaluate("!!window.__error"))
        gzipped = sum(
            size - (gzip_saving(plain[rid]) if rid in plain else 0)
            for rid, size in received.items()
        )
        return Sample(seconds, sum(received.values()), gzipped, ws_bytes, error)
    finally:
        context.close()


@functools.cache
def gzip_saving(url: str) -> int:
    """Bytes that gzip would save on the body of ``url`` (fetched once)."""
    if not url.startswith("http://"):
        return 0
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
    except OSError:  # a one-off URL (a health check, a session's media): as sent
        return 0
    return max(0, len(body) - len(gzip.compress(body, 6)))


def cold_start(
    browser, script: str, needs: str | None, map_js: str, logs: Path, timeout: float
) -> float:
    """Seconds from launching a server to its first page drawn."""
    server = AppServer(
        logs / f"cold_{Path(script).stem}.log", watch=False, script=script
    )
    launched = time.monotonic()
    server.start()
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.add_init_script(ready_script(needs, map_js))
        opened = time.monotonic()
        page.goto(server.url + "/", wait_until="commit")
        page.wait_for_function(
            "() => window.__readyAt !== undefined", timeout=timeout * 1000, polling=100
        )
        drawn = page.evaluate("window.__readyAt") / 1000
        context.close()
        return opened - launched + drawn
    finally:
        server.stop()


def fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "–"


def print_table(results: list[Result], empty: Result, cold: dict) -> None:
    e_med, e_min = empty.median("seconds"), empty.min("seconds")
    floor = next((r.median("seconds") for r in results if r.view is FLOOR), 0)
    head = ("view", "median s", "min s", "× empty (median)", "× empty (min)",
            "× floor (median)", "HTTP MB", "HTTP MB gzipped",
            "websocket MB")  # fmt: skip
    rows = []
    for r in [empty, *results]:
        rows.append(
            (
                r.view.label
                + (" (exception shown!)" if any(s.error for s in r.samples) else ""),
                f"{r.median('seconds'):.2f}",
                f"{r.min('seconds'):.2f}",
                fmt_ratio(r.median("seconds"), e_med),
                fmt_ratio(r.min("seconds"), e_min),
                fmt_ratio(r.median("seconds"), floor),
                f"{r.median('http') / MB:.2f}",
                f"{r.median('http_gzipped') / MB:.2f}",
                f"{r.median('ws') / MB:.2f}",
            )
        )
    base = cold["empty"]
    for key, label in (("floor", "floor page"), ("app", "app")):
        if not cold.get(key):
            continue
        runs = cold[key]
        rows.append(
            (
                f"cold start to first page drawn ({label} / empty app)",
                f"{statistics.median(runs):.2f}",
                f"{min(runs):.2f}",
                fmt_ratio(statistics.median(runs), statistics.median(base)),
                fmt_ratio(min(runs), min(base)),
                fmt_ratio(statistics.median(runs), statistics.median(cold["floor"])),
                "",
                "",
                f"empty app: {statistics.median(base):.2f} s",
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    print(
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    )
    print(sep)
    for row in rows:
        print(
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
            + " |"
        )


def e2e_map_drawn_js() -> str:
    """The e2e tests' "map drawn" predicate (tests/e2e/browser.py), loaded by path.

    Loaded by path: this script is itself called browser.py.
    """
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "e2e_browser", ROOT / "tests" / "e2e" / "browser.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MAP_DRAWN_JS


def main() -> None:
    from playwright.sync_api import sync_playwright

    map_js = e2e_map_drawn_js()

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--cold-runs", type=int, default=2)
    p.add_argument(
        "--views", help="comma-separated keys: " + ",".join(v.key for v in VIEWS)
    )
    p.add_argument(
        "--floor-parts",
        action="store_true",
        help="also measure the floor page without its table, map or widgets",
    )
    p.add_argument("--timeout", type=float, default=180)
    args = p.parse_args()
    views = VIEWS
    if args.views:
        wanted = args.views.split(",")
        views = tuple(v for v in VIEWS if v.key in wanted)
    logs = Path(tempfile.mkdtemp(prefix="divide_browser_bench_"))
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        cold = {"app": [], "empty": [], "floor": []}
        for _ in range(args.cold_runs):
            for key, script, needs in (
                ("empty", EMPTY_SCRIPT, None),
                ("floor", FLOOR_SCRIPT, "map"),
                ("app", "app.py", "map"),  # / is the overview, with its map
            ):
                cold[key].append(
                    cold_start(browser, script, needs, map_js, logs, args.timeout)
                )
                print(f"  cold start {key}: {cold[key][-1]:.2f} s", flush=True)
        servers = {
            "app": AppServer(logs / "app.log", watch=False),
            "empty": AppServer(logs / "empty.log", watch=False, script=EMPTY_SCRIPT),
            "floor": AppServer(logs / "floor.log", watch=False, script=FLOOR_SCRIPT),
        }
        for server in servers.values():
            server.start()
        try:
            measured = (FLOOR, *(FLOOR_PARTS if args.floor_parts else ()), *views)
            for view in (*measured, EMPTY):  # warm-up: a first visit fills caches
                visit(browser, servers[view.server].url, view, map_js, args.timeout)
            results = [Result(v) for v in measured]
            empty = Result(EMPTY)
            for run in range(args.runs):
                for result in results:
                    url = servers[result.view.server].url
                    empty.samples.append(
                        visit(
                            browser, servers["empty"].url, EMPTY, map_js, args.timeout
                        )
                    )
                    result.samples.append(
                        visit(browser, url, result.view, map_js, args.timeout)
                    )
                    print(
                        f"  run {run + 1} {result.view.key}: "
                        f"{result.samples[-1].seconds:.2f} s "
                        f"(empty {empty.samples[-1].seconds:.2f} s)",
                        flush=True,
                    )
        finally:
            for server in servers.values():
                server.stop()
            browser.close()
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(
        f"\n{args.runs} runs per view, each in a fresh context; ratios to the empty "
        "page measured in the same run (round-robin)\n"
    )
    print_table(results, empty, cold)


if __name__ == "__main__":
    main()
