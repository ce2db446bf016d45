"""What a compressing proxy in front of the app changes: bytes and time per view.

Measures, prints, asserts nothing. Streamlit's server sends its own code
uncompressed. This runs the app (``app.py``) on loopback and nginx in front of
it with ``docs/nginx-divide.conf`` (its ports and nothing else changed), then
opens each view in headless Chromium, round-robin, straight from Streamlit and
through nginx: on loopback, and on a slower link emulated by Chrome (``--mbit``
and ``--latency``, e.g. a forum's shared wifi). Same views, "drawn" test and
byte counts as ``bench/browser.py``. Needs Debian's ``nginx`` (``apt-get install
nginx-light``).

Run from the repository root::

    .venv/bin/python bench/proxy.py [--runs 3] [--mbit 10] [--latency 40]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "docs" / "nginx-divide.conf"
VIEWS = ("overview", "map_29", "map_84", "presenter")


def browser_bench():
    """``bench/browser.py`` as a module (loaded by path: tests/e2e has a browser.py)."""
    spec = importlib.util.spec_from_file_location(
        "bench_browser", ROOT / "bench/browser.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def start_nginx(folder: Path, listen: int, upstream: int) -> subprocess.Popen:
    """nginx in the foreground with the documented server block on other ports."""
    site = CONFIG.read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("127.0.0.1:8501", f"127.0.0.1:{upstream}")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    access_log off;
    include /etc/nginx/mime.types;
    client_body_temp_path {folder};
    proxy_temp_path {folder};
    include {folder}/site.conf;
}}
""",
        encoding="utf-8",
    )
    return subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf")])


def main() -> None:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--mbit", type=float, default=10, help="emulated link, Mbit/s")
    p.add_argument("--latency", type=float, default=40, help="emulated link, ms")
    p.add_argument("--timeout", type=float, default=180)
    args = p.parse_args()
    if not shutil.which("nginx"):
        sys.exit("nginx is not installed: apt-get install nginx-light")

    bench = browser_bench()
    from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer, free_port, healthy

    views = [v for v in bench.VIEWS if v.key in VIEWS]
    slow = {
        "offline": False,
        "latency": args.latency,
        "downloadThroughput": args.mbit * 1e6 / 8,
        "uploadThroughput": args.mbit * 1e6 / 8,
    }
    links = {"loopback": None, f"{args.mbit:g} Mbit/s, {args.latency:g} ms": slow}
    with tempfile.TemporaryDirectory(prefix="divide-proxy-") as tmp:
        folder = Path(tmp)
        app = AppServer(folder / "app.log", watch=False)
        app.start()
        listen = free_port()
        nginx = start_nginx(folder, listen, app.port)
        proxy = f"http://127.0.0.1:{listen}"
        try:
            for _ in range(100):
                if healthy(proxy):
                    break
                time.sleep(0.1)
            routes = {"Streamlit": app.url, "through nginx": proxy}
            samples: dict[tuple, list] = {}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                map_js = bench.e2e_map_drawn_js()
                for view in views:  # one warm-up visit: the server's caches
                    bench.visit(browser, app.url, view, map_js, args.timeout)
                for run in range(1, args.runs + 1):
                    for view in views:
                        for link, network in links.items():
                            for route, base in routes.items():
                                s = bench.visit(
                                    browser, base, view, map_js, args.timeout, network
                                )
                                samples.setdefault((view, link, route), []).append(s)
                                print(
                                    f"  run {run} {view.key} {link} {route}: "
                                    f"{s.seconds:.2f} s, {s.http / 1e6:.2f} MB",
                                    file=sys.stderr,
                                )
                browser.close()
        finally:
            nginx.terminate()
            nginx.wait(10)
            app.stop()

    print(f"\n{args.runs} runs per row, median; each visit in a fresh context\n")
    print("| view | link | route | drawn s | HTTP MB | websocket MB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (view, link, route), runs in samples.items():
        seconds = statistics.median(s.seconds for s in runs)
        http = statistics.median(s.http for s in runs) / 1e6
        ws = statistics.median(s.ws for s in runs) / 1e6
        print(
            f"| {view.label} | {link} | {route} | {seconds:.2f} | {http:.2f} "
            f"| {ws:.2f} |"
        )


if __name__ == "__main__":
    main()
