"""Load test of the real app: N concurrent browser sessions, server memory and times.

Starts ``streamlit run app.py`` on a free port (own process group, killed with
SIGKILL at the end whatever happens), warms it with one session, then for each N
of ``--sessions`` drives N headless Chromium contexts at once through a realistic
path:

1. open ``/overview?lang=fr`` (until the title shows and the script is idle);
2. deep link to a département's commune map
   (``/map?lang=en&level=departement&code=<code>&mlevel=commune&ind=thd30_share``)
   until the folium map in the streamlit_folium iframe has drawn its shapes
   (SVG ``path.leaflet-interactive``, or — the app uses ``prefer_canvas`` — its
   GeoJSON feature layers with pixels on the Leaflet canvas);
3. ``/export?lang=en&level=departement&code=<code>`` and download the CSV.

Each session is bounded in time; timeouts, exceptions, a visible Streamlit
exception box and failed or empty downloads count as errors. The server's RSS
(VmRSS summed over its process group and descendants, from /proc) is sampled every
0.5 s during the load, and again after a settling pause.

Run from the repository root::

    /work/venv/bin/python bench/load.py --sessions 10,20

The server runs with ``--server.fileWatcherType none`` (``--watch`` to keep the
watcher) so that edits to the working tree during a run do not reload the app.
CPU time of the server, of the browsers and of other processes is printed per
round: on a 2-core machine the browsers, not the server, set the pace, so give
sessions a larger budget there (``--timeout 300``).

Exit code 0 when no session failed. Uses Debian's /usr/bin/chromium (never a
downloaded browser).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402

from divide.i18n import t  # noqa: E402

# Varied départements: small and large, mainland, Corsica and overseas.
CODES = (
    "29", "23", "38", "69", "13", "59", "974", "35", "63", "33",
    "67", "31", "44", "2A", "971", "64", "05", "86", "62", "75",
)  # fmt: skip
STEPS = ("open", "map", "export")
STARTUP_TIMEOUT = 120.0
MiB = 1024 * 1024

IDLE_JS = """() => !document.querySelector(
    '[data-stale="true"], [data-testid^="stStatusWidgetRunning"]')"""
# Shapes drawn by Leaflet in this frame (0 when not a map, or not drawn yet). The
# app's maps use prefer_canvas=True: no SVG ``path.leaflet-interactive`` then, so
# count the map's GeoJSON feature layers and check that its canvas has pixels.
DRAWN_JS = """() => {
    const svg = document.querySelectorAll('path.leaflet-interactive').length;
    if (svg > 0) return svg;
    if (!window.L) return 0;
    let n = 0;
    for (const key of Object.keys(window)) {
        if (!key.startsWith('map_')) continue;
        const m = window[key];
        if (m instanceof L.Map) m.eachLayer(l => { if (l.feature) n += 1; });
    }
    if (n === 0) return 0;
    for (const c of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 64) if (d[i] > 0) return n;
    }
    return 0;
}"""
EXCEPTION = '[data-testid="stException"]'
IS_MAP_JS = "() => document.querySelector('.leaflet-container') !== null"


def sources_stamp() -> float:
    """Latest modification time of the app's sources (to detect edits mid-run)."""
    files = [ROOT / "app.py", ROOT / ".streamlit" / "config.toml"]
    files += [*(ROOT / "pages").glob("*.py"), *(ROOT / "divide").rglob("*.py")]
    return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)


# ---------------------------------------------------------------------- memory
TICK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, int, float]]:
    """pid → (ppid, pgrp, CPU seconds) for every process, from /proc/<pid>/stat.

    CPU counts the process and its reaped children (utime+stime+cutime+cstime),
    so the renderers a browser has already closed are not lost.
    """
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces or parentheses.
        fields = stat.rpartition(")")[2].split()
        cpu = sum(int(x) for x in fields[11:15]) / TICK
        table[int(entry)] = (int(fields[1]), int(fields[2]), cpu)
    return table


def _vm_rss(pid: int) -> int:
    """VmRSS of a process in bytes (0 when gone or a kernel thread)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(table, roots: set[int]) -> set[int]:
    """``roots`` and all their descendants present in ``table``."""
    members = set(roots)
    grew = True
    while grew:
        extra = {p for p, row in table.items() if row[0] in members} - members
        members |= extra
        grew = bool(extra)
    return members


def _group(table, pgid: int) -> set[int]:
    # Descendants that left the group (setsid) still count.
    return _tree(table, {p for p, row in table.items() if row[1] == pgid} | {pgid})


def group_rss(pgid: int) -> tuple[int, int]:
    """(RSS in bytes, number of processes) of a process group and its descendants."""
    members = _group(_proc_table(), pgid)
    return sum(_vm_rss(pid) for pid in members), len(members)


def cpu_split(pgid: int) -> dict[str, float]:
    """CPU seconds used so far: server group, our browsers (and driver), machine.

    ``machine`` is the busy time of all CPUs from /proc/stat; the difference of
    two readings minus the server and the browsers is what other processes used.
    """
    table = _proc_table()
    server = _group(table, pgid)
    browsers = _tree(table, {os.getpid()}) - {os.getpid()} - server
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    busy = sum(ticks[:8]) - idle  # guest time is already counted in user
    return {
        "server": sum(table[p][2] for p in server if p in table),
        "browsers": sum(table[p][2] for p in browsers if p in table),
        "machine": busy / TICK,
    }


def fetch_metrics(url: str, families: str | None = None) -> dict[str, float]:
    """A few figures from Streamlit's /_stcore/metrics (empty dict on failure).

    ``active_sessions``, ``cache_<type>`` (bytes per cache type, summed) when the
    cache family is requested.
    """
    query = f"?families={families}" if families else ""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics{query}", timeout=10) as r:
            text = r.read().decode()
    except (urllib.error.URLError, OSError):
        return {}
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        try:
            number = float(value)
        except ValueError:
            continue
        if name == "active_sessions":
            out["active_sessions"] = number
        elif name.startswith("cache_memory_bytes"):
            kind = re.search(r'cache_type="([^"]+)"', name)
            key = f"cache_{kind.group(1) if kind else 'other'}"
            out[key] = out.get(key, 0.0) + number
    return out


class Sampler:
    """Samples the server group's RSS every ``interval`` s in a thread.

    Every ``metrics_every`` s it also reads the number of active Streamlit
    sessions (a cheap metrics family).
    """

    def __init__(
        self, pgid: int, url: str, interval: float, metrics_every: float = 2.0
    ) -> None:
        self.pgid, self.url = pgid, url
        self.interval, self.metrics_every = interval, metrics_every
        self.samples: list[tuple[float, int]] = []
        self.max_sessions = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last_metrics = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            self.samples.append((now, group_rss(self.pgid)[0]))
            if now - last_metrics >= self.metrics_every:
                last_metrics = now
                got = fetch_metrics(self.url, "active_sessions")
                self.max_sessions = max(
                    self.max_sessions, got.get("active_sessions", 0.0)
                )
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


# -------------------------------------------------------------------- sessions
@dataclass
class Session:
    index: int
    code: str
    step: str = "start"
    times: dict[str, float] = field(default_factory=dict)
    paths: int = 0
    download_name: str = ""
    download_bytes: int = 0
    error: str | None = None
    js_errors: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # media requests, for diagnosis
    context: object = None


async def wait_idle(page, timeout_ms: float) -> None:
    """Wait until no element is stale and no 'running' indicator shows (heuristic)."""
    await page.wait_for_timeout(400)
    await page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=200)


async def wait_title(page, title: str, timeout_ms: float) -> None:
    """Wait for the page's title, or fail as soon as an exception box shows."""
    heading = page.locator("h1", has_text=title)
    await heading.or_(page.locator(EXCEPTION)).first.wait_for(timeout=timeout_ms)
    await check_no_exception(page)


async def check_no_exception(page) -> None:
    boxes = page.locator(EXCEPTION)
    for i in range(await boxes.count()):
        box = boxes.nth(i)
        if await box.is_visible():
            text = (await box.inner_text()).strip().splitlines()
            raise RuntimeError(f"stException shown: {' | '.join(text[:3])[:300]}")


async def wait_for_map(page, deadline: float) -> int:
    """Wait until a folium map has drawn its shapes; return how many.

    streamlit-folium may replace its iframe while the page reruns: the frames are
    looked up again on each poll.
    """
    from playwright.async_api import Error as PlaywrightError

    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                if "streamlit_folium" not in frame.url and not await frame.evaluate(
                    IS_MAP_JS
                ):
                    continue
                n = await frame.evaluate(DRAWN_JS)
            except PlaywrightError:
                continue  # detached or still loading
            if n:
                return n
        await page.wait_for_timeout(200)
    raise TimeoutError("no folium map drawn")


async def drive(browser, base: str, s: Session, timeout: float) -> None:
    """The path of one user; fills ``s`` as it goes (raises on failure)."""
    deadline = time.monotonic() + timeout
    left_ms = lambda: max(1.0, deadline - time.monotonic()) * 1000  # noqa: E731

    s.step = "context"
    s.context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await s.context.new_page()
    page.set_default_timeout(timeout * 1000)
    page.on("pageerror", lambda exc: s.js_errors.append(str(exc)[:200]))
    # Downloads are served from /media/: keep what happened to those requests.
    page.on(
        "response",
        lambda r: "/media/" in r.url and s.media.append(f"HTTP {r.status}"),
    )
    page.on(
        "requestfailed",
        lambda r: "/media/" in r.url and s.media.append(f"failed {r.failure}"),
    )

    s.step = "open"
    started = time.monotonic()
    await page.goto(f"{base}/overview?lang=fr", wait_until="domcontentloaded")
    await wait_title(page, t("overview_title", "fr"), left_ms())
    s.times["open"] = time.monotonic() - started
    await wait_idle(page, left_ms())
    await check_no_exception(page)

    s.step = "map"
    started = time.monotonic()
    await page.goto(
        f"{base}/map?lang=en&level=departement&code={s.code}"
        "&mlevel=commune&ind=thd30_share",
        wait_until="domcontentloaded",
    )
    s.paths = await wait_for_map(page, deadline)
    s.times["map"] = time.monotonic() - started
    await check_no_exception(page)

    s.step = "export"
    started = time.monotonic()
    await page.goto(
        f"{base}/export?lang=en&level=departement&code={s.code}",
        wait_until="domcontentloaded",
    )
    await wait_title(page, t("export_title", "en"), left_ms())
    button = page.locator(".st-key-export_download_csv button").first
    await button.wait_for(timeout=left_ms())
    await wait_idle(page, left_ms())
    await check_no_exception(page)
    if await button.is_disabled():
        raise RuntimeError("CSV download button disabled (empty export)")
    async with page.expect_download(timeout=left_ms()) as info:
        await button.click()
    download = await info.value
    failure = await download.failure()
    if failure:
        seen = ", ".join(s.media) or "no /media/ response seen"
        raise RuntimeError(f"download failed: {failure} ({seen})")
    path = await download.path()
    s.download_name = download.suggested_filename
    s.download_bytes = Path(path).stat().st_size if path else 0
    if not s.download_bytes:
        raise RuntimeError(f"empty download {s.download_name}")
    if zipfile.is_zipfile(path):  # the CSV may come zipped with its dictionary
        with zipfile.ZipFile(path) as archive:
            tables = [i for i in archive.infolist() if i.filename.endswith(".csv")]
        if not any(i.file_size for i in tables):
            raise RuntimeError(f"no non-empty CSV in {s.download_name}")
    s.times["export"] = time.monotonic() - started
    await check_no_exception(page)
    s.step = "done"


async def run_session(browser, base: str, s: Session, timeout: float) -> Session:
    """One bounded session: errors are recorded, never raised."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    s.js_errors, s.media = [], []
    try:
        await asyncio.wait_for(drive(browser, base, s, timeout), timeout)
    except (TimeoutError, PlaywrightTimeout):
        s.error = f"timeout ({timeout:.0f} s budget) during '{s.step}'"
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        s.error = f"{type(exc).__name__} during '{s.step}': {first}"
    finally:
        if s.context is not None:
            try:
                await asyncio.wait_for(s.context.close(), 20)
            except (TimeoutError, PlaywrightError):
                pass
            s.context = None
    return s


async def run_round(browsers, base: str, n: int, args) -> tuple[list[Session], float]:
    """N sessions at once (starts staggered by ``args.stagger``); returns wall time."""
    sessions = [Session(i, CODES[i % len(CODES)]) for i in range(n)]

    async def delayed(s: Session) -> Session:
        await asyncio.sleep(s.index * args.stagger)
        return await run_session(
            browsers[s.index % len(browsers)], base, s, args.timeout
        )

    started = time.monotonic()
    done = await asyncio.gather(*(delayed(s) for s in sessions))
    return list(done), time.monotonic() - started


# ---------------------------------------------------------------------- report
@dataclass
class Round:
    n: int
    sessions: list[Session]
    wall: float
    rest: int
    peak: int
    after: int
    max_sessions: float
    metrics_rest: dict[str, float]
    metrics_after: dict[str, float]
    cpu: dict[str, float]

    @property
    def errors(self) -> int:
        return sum(s.error is not None for s in self.sessions)

    def step_times(self, step: str) -> list[float]:
        return [s.times[step] for s in self.sessions if step in s.times]

    @property
    def growth_per_session(self) -> float:
        return (self.peak - self.rest) / self.n

    def cpu_text(self) -> str:
        """CPU used during the round, in cores on average."""
        server, browsers = self.cpu["server"], self.cpu["browsers"]
        others = max(0.0, self.cpu["machine"] - server - browsers)
        return (
            f"server {server / self.wall:.2f} cores ({server:.0f} s), "
            f"browsers {browsers / self.wall:.2f} ({browsers:.0f} s), "
            f"other processes {others / self.wall:.2f} ({others:.0f} s) "
            f"of {os.cpu_count()} cores over {self.wall:.0f} s"
        )


def mb(n: float) -> str:
    return f"{n / MiB:,.0f}"


def med_max(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):.1f} / {max(values):.1f}"


def print_table(rounds: list[Round]) -> None:
    head = (
        "sessions",
        "errors",
        "open s med/max",
        "map drawn s med/max",
        "export s med/max",
        "wall s",
        "RSS rest MB",
        "peak MB",
        "after MB",
        "(peak-rest)/N MB",
    )
    rows = [
        (
            str(r.n),
            str(r.errors),
            med_max(r.step_times("open")),
            med_max(r.step_times("map")),
            med_max(r.step_times("export")),
            f"{r.wall:.0f}",
            mb(r.rest),
            mb(r.peak),
            mb(r.after),
            f"{r.growth_per_session / MiB:.1f}",
        )
        for r in rounds
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]

    def line(cells) -> str:
        padded = (c.rjust(w) for c, w in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def print_details(rounds: list[Round], verbose: bool) -> None:
    for r in rounds:
        for s in r.sessions:
            if not verbose and s.error is None:
                continue
            times = " ".join(f"{k}={v:.1f}s" for k, v in s.times.items())
            status = f"ERROR {s.error}" if s.error else "ok"
            print(
                f"  N={r.n} #{s.index:02d} dep {s.code:>3}: {times} paths={s.paths} "
                f"{s.download_name} {s.download_bytes:,} B — {status}"
            )
            for js in s.js_errors[:3]:
                print(f"      JS error: {js}")


def interpretation(cold: int, warm: int, rounds: list[Round], ttl: str) -> str:
    if not rounds:
        return "No load round ran."
    per = [r.growth_per_session / MiB for r in rounds]
    shared = (warm - cold) / MiB
    cache_rest = rounds[0].metrics_rest
    cache_text = ", ".join(
        f"{k.removeprefix('cache_')} {v / MiB:.1f} MB"
        for k, v in sorted(cache_rest.items())
        if k.startswith("cache_")
    )
    parts = [
        f"Loading the shared data once (atlas, geometries, search index in "
        f"st.cache_resource, first map views in st.cache_data) took the server from "
        f"{cold / MiB:.0f} MB cold to {warm / MiB:.0f} MB after the warm-up session "
        f"(+{shared:.0f} MB)"
        + (f"; Streamlit's cache metrics at rest: {cache_text}" if cache_text else "")
        + "."
    ]
    growth = ", ".join(
        f"{p:.1f} MB at N={r.n}" for p, r in zip(per, rounds, strict=True)
    )
    parts.append(f"Under load the group grew by {growth} per simulated user.")
    if len(rounds) > 1:
        parts.append(
            "Rounds after the first start from the previous round's high-water mark "
            "(the allocator reuses what it freed), so their per-user growth is a "
            "lower bound; run one --sessions N alone for a clean figure, and read "
            "the rest RSS from round to round as the leak check."
        )
    if len(per) > 1 and per[0] > 0:
        ratio = per[-1] / per[0]
        if ratio <= 1.5:
            verdict = (
                "per-user growth does not rise with N, so memory scales linearly "
                "(or better) with users and stays bounded: the shared data is not "
                "copied per session"
            )
        else:
            verdict = (
                f"per-user growth rose {ratio:.1f}× from N={rounds[0].n} to "
                f"N={rounds[-1].n}: something grows faster than the number of "
                "sessions (look for per-session copies of shared frames)"
            )
        parts.append(verdict[0].upper() + verdict[1:] + ".")
    biggest = max(per)
    if biggest < shared / 4:
        parts.append(
            f"Each user costs far less than the shared data ({biggest:.1f} vs "
            f"{shared:.0f} MB), which is what per-session state only looks like."
        )
    else:
        parts.append(
            f"Each user costs a sizeable share of the shared data ({biggest:.1f} vs "
            f"{shared:.0f} MB): check for large per-session objects."
        )
    for r in rounds:
        server_cpu = r.cpu["server"] / r.n
        parts.append(
            f"N={r.n} — CPU: {r.cpu_text()}, i.e. {server_cpu:.1f} s of server CPU "
            "per user: the page times measure this shared box (browsers included) "
            "more than the server."
        )
        if not r.errors:
            continue
        exported = sum("export" in s.times for s in r.sessions)
        mapped = sum("map" in s.times for s in r.sessions)
        text = f"At N={r.n}, {r.errors} of {r.n} sessions failed"
        if mapped < r.n:
            text += f" ({mapped} drew their map; the peak undercounts a full path)"
        lost = sum("HTTP 404" in (s.error or "") for s in r.sessions)
        if lost:
            text += (
                f"; {lost} CSV download(s) got HTTP 404 from /media/: the file "
                "Streamlit builds on click is not referenced by any session, and "
                "every script run that ends (in any session) sweeps such files, so "
                "under load it can be gone before the browser fetches it"
            )
        parts.append(text + f" ({exported} downloads succeeded).")
    max_active = max(r.max_sessions for r in rounds)
    parts.append(
        "Caveats: every full page load is a new Streamlit session, so a user here "
        f"opens 3 sessions (Streamlit counted at most {max_active:.0f} connected at "
        "once), and a disconnected session's state is kept for "
        f"server.disconnectedSessionTTL ({ttl} s) on top; the growth also holds "
        "transient buffers (script runs in flight, the GeoJSON sent to each map, the "
        "CSV built on click) and new st.cache_data entries for départements not "
        "viewed before (one map view per département, max 64 entries), shared by "
        "later users — Streamlit's cache metrics under-count these (st.cache_resource "
        "is not sized at all), so the RSS is the figure to trust. CPython rarely "
        "hands freed memory back to the system, so 'after' stays near the peak once "
        "the sessions are gone; what matters is that a later, larger round does not "
        "add proportionally more per user."
    )
    return " ".join(parts)


# ------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sessions",
        default="10,20",
        help="comma-separated numbers of concurrent sessions (default 10,20)",
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per session path"
    )
    parser.add_argument(
        "--browsers",
        type=int,
        default=1,
        help="Chromium processes to spread the sessions over (default 1)",
    )
    parser.add_argument(
        "--stagger",
        type=float,
        default=0.1,
        help="seconds between session starts within a round (default 0.1)",
    )
    parser.add_argument(
        "--interval", type=float, default=0.5, help="RSS sampling period in s"
    )
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds to wait after each round"
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep Streamlit's file watcher (off by default: edits to the working "
        "tree during a run would otherwise reload the app mid-benchmark)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="print every session"
    )
    args = parser.parse_args(argv)
    try:
        args.counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    except ValueError:
        parser.error("--sessions takes integers, e.g. 10,20")
    if not args.counts or min(args.counts) < 1 or args.browsers < 1:
        parser.error("--sessions and --browsers must be positive")
    return args


def session_ttl() -> str:
    """server.disconnectedSessionTTL as the app's server sees it (cwd = repo)."""
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        from streamlit import config

        return str(config.get_option("server.disconnectedSessionTTL"))
    except Exception:
        return "120 (default)"
    finally:
        os.chdir(cwd)


async def run_all(server: AppServer, args) -> tuple[int, int, list[Round], int]:
    from playwright.async_api import async_playwright

    pgid = server.pgid
    assert pgid is not None
    cold = group_rss(pgid)[0]
    print(f"server RSS cold: {mb(cold)} MB")
    rounds: list[Round] = []
    async with async_playwright() as pw:
        browsers = [
            await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for _ in range(args.browsers)
        ]
        try:
            # Warm-up: one user, loads the shared caches (and leaves the legacy
            # pages/ mode a fresh server starts in).
            warm_up = await run_session(
                browsers[0], server.url, Session(-1, CODES[0]), args.timeout
            )
            times = " ".join(f"{k} {v:.1f} s" for k, v in warm_up.times.items())
            print(f"warm-up (1 session, dep {CODES[0]}): {times} {warm_up.error or ''}")
            warm_errors = int(warm_up.error is not None)
            await asyncio.sleep(args.settle)
            warm = group_rss(pgid)[0]
            print(f"server RSS after warm-up + {args.settle:.0f} s: {mb(warm)} MB")

            for n in args.counts:
                rest = group_rss(pgid)[0]
                metrics_rest = fetch_metrics(server.url)
                print(
                    f"round N={n}: rest {mb(rest)} MB, "
                    f"load average {os.getloadavg()[0]:.1f} …",
                    flush=True,
                )
                cpu0 = cpu_split(pgid)
                with Sampler(pgid, server.url, args.interval) as sampler:
                    sessions, wall = await run_round(browsers, server.url, n, args)
                cpu1 = cpu_split(pgid)
                await asyncio.sleep(args.settle)
                after = group_rss(pgid)[0]
                rounds.append(
                    Round(
                        n=n,
                        sessions=sessions,
                        wall=wall,
                        rest=rest,
                        peak=max(sampler.peak, rest),
                        after=after,
                        max_sessions=sampler.max_sessions,
                        metrics_rest=metrics_rest,
                        metrics_after=fetch_metrics(server.url),
                        cpu={k: cpu1[k] - cpu0[k] for k in cpu0},
                    )
                )
                r = rounds[-1]
                print(
                    f"  done in {wall:.0f} s: {r.errors} error(s), peak {mb(r.peak)} "
                    f"MB, after {mb(after)} MB, up to {r.max_sessions:.0f} active "
                    f"Streamlit sessions\n  CPU: {r.cpu_text()}",
                    flush=True,
                )
        finally:
            for browser in browsers:
                try:
                    await asyncio.wait_for(browser.close(), 30)
                except Exception:
                    pass
    return cold, warm, rounds, warm_errors


def _exit_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    log_dir = Path(tempfile.mkdtemp(prefix="divide-load-"))
    server = AppServer(
        log_dir / "streamlit.log", watch=args.watch, startup_timeout=STARTUP_TIMEOUT
    )
    stamp = sources_stamp()
    atexit.register(server.stop)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)
    try:
        took = server.start()
        print(
            f"server {server.url} healthy in {took:.1f} s (log {server.log_path}); "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        cold, warm, rounds, warm_errors = asyncio.run(run_all(server, args))
    finally:
        server.stop()

    print()
    print(f"server RSS at rest: cold {mb(cold)} MB, after warm-up {mb(warm)} MB")
    print_table(rounds)
    print_details(rounds, args.verbose)
    for r in rounds:
        caches = {
            k: f"{v / MiB:.1f}"
            for k, v in sorted(r.metrics_after.items())
            if k.startswith("cache_")
        }
        before = r.metrics_rest.get("active_sessions", 0)
        after = r.metrics_after.get("active_sessions", 0)
        print(
            f"N={r.n}: active Streamlit sessions before {before:.0f}, "
            f"max {r.max_sessions:.0f}, after {after:.0f}; cache MB after: {caches}"
        )
        print(f"N={r.n}: CPU {r.cpu_text()}")
    print()
    print(interpretation(cold, warm, rounds, ttl=session_ttl()))
    if sources_stamp() != stamp:
        print(
            "\nwarning: the app's sources changed during the run"
            + (
                " (the server was started with fileWatcherType=none and kept the "
                "code it had loaded, except modules first imported afterwards)"
                if not args.watch
                else " and the server reloaded them: results may mix versions"
            )
        )
    errors = sum(r.errors for r in rounds) + warm_errors
    total = sum(r.n for r in rounds) + 1
    print(f"\n{errors} error(s) in {total} sessions (warm-up included)")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
