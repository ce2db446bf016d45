"""Fixtures for the browser tests: the real app served on localhost (once per
session, see ``appserver``), one headless Chromium, a fresh page per test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer

ARTIFACTS = ROOT / "tests" / "artifacts"
TIMINGS = "e2e_timings.txt"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (never a downloaded browser); skip when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is missing: install Debian's chromium "
            "(apt-get install chromium; .ci/run does it) to run the e2e tests"
        )
    pytest.importorskip("playwright.sync_api")
    return str(CHROMIUM)


@contextmanager
def serve(log_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port; yield its base URL.

    ``env`` is added to the server's environment (``DIVIDE_ATLAS``: another atlas).
    """
    app = AppServer(log_dir / "streamlit.log", env=env)
    try:
        took = app.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    print(f"\n[e2e] streamlit healthy in {took:.1f} s")
    try:
        yield app.url
    finally:
        app.stop()


@pytest.fixture(scope="session")
def server(browser, tmp_path_factory) -> Iterator[str]:
    """The app served once for the session; yields its base URL.

    The entry point is visited once first: until app.py has run, Streamlit
    routes a page URL to the pages/ folder directly (see the cold-server deep
    link test), and the other tests must not depend on which one runs first.
    """
    with serve(tmp_path_factory.mktemp("server")) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("h1", timeout=90_000)
        page.close()
        yield url


@pytest.fixture
def cold_server(chromium_path, tmp_path) -> Iterator[str]:
    """A freshly started server that no browser has visited yet.

    A shared link is often the first request after a restart; some behaviour
    (e.g. how Streamlit routes a page URL) differs before the entry point has run.
    """
    with serve(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (for screenshots on failure)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request, artifacts):
    """A fresh page (own context, so downloads and storage do not leak).

    When the test fails, the page as it was is saved to
    ``tests/artifacts/FAILED_<test>.png``.
    """
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(artifacts / f"FAILED_{name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and timings (git-ignored), emptied of old timings."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / TIMINGS).unlink(missing_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def timing(artifacts):
    """``timing(label, seconds)``: print a measured time and keep it in
    ``tests/artifacts/e2e_timings.txt`` (pytest hides prints of passing tests)."""

    def record(label: str, seconds: float) -> None:
        line = f"{label}: {seconds:.1f} s"
        print(f"\n[e2e] {line}")
        with (artifacts / TIMINGS).open("a") as out:
            out.write(line + "\n")

    return record
