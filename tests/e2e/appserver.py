"""The real app on a loopback port, and Debian's Chromium: for the e2e tests and
``bench/load.py`` alike (neither pytest nor Playwright is imported here).

Streamlit 1.67 serves through uvicorn, which may outlive SIGTERM, so the server runs
in its own process group and ``stop`` kills the whole group.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium floods a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


class AppServer:
    """``streamlit run app.py`` on a free port; ``start`` waits until it is healthy.

    ``watch=False`` runs like a deployed server: it keeps the code it started with
    even if the working tree is edited meanwhile. ``script`` (relative to the
    repository root) serves another script, e.g. the bench's empty page.
    """

    def __init__(
        self,
        log_path: Path,
        *,
        watch: bool = True,
        startup_timeout: float = 90.0,
        script: str = "app.py",
        env: dict[str, str] | None = None,
    ) -> None:
        self.script = script
        self.env = dict(env or {})  # added to the environment (DIVIDE_ATLAS...)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.watch = watch
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        """Start and wait for /_stcore/health; return the seconds it took.

        Raises RuntimeError, with the end of the server's log, when the server exits
        or is not healthy in time (the server is then stopped)."""
        env = {
            **os.environ,
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        command = [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            *([] if self.watch else ["--server.fileWatcherType", "none"]),
        ]  # fmt: skip
        started = time.monotonic()
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while not healthy(self.url):
            problem = None
            if self.proc.poll() is not None:
                problem = f"streamlit exited with {self.proc.returncode}"
            elif time.monotonic() - started > self.startup_timeout:
                problem = f"streamlit not healthy after {self.startup_timeout:.0f} s"
            if problem:
                self.stop()
                raise RuntimeError(f"{problem}:\n{self.log_tail()}")
            time.sleep(0.25)
        return time.monotonic() - started

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the group, SIGKILL it after ``grace`` seconds. Idempotent."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        pgid = proc.pid  # start_new_session: the leader's pid is the group id
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            print(f"warning: server {pgid} still alive after SIGKILL", file=sys.stderr)

    @property
    def pgid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"
