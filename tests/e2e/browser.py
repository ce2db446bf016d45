"""Helpers for the browser tests: waiting for Streamlit and for folium maps."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Error as PlaywrightError

from divide import assets

FOLIUM_IFRAME = 'iframe[title*="streamlit_folium"]'
CDN = re.compile(r"^https?://(cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com)/")
# A map is drawn when Leaflet has SVG paths, or (preferCanvas) a canvas with pixels.
MAP_DRAWN_JS = """() => {
    if (document.querySelectorAll('path.leaflet-interactive').length > 0) return true;
    for (const c of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 64) if (d[i] > 0) return true;
    }
    return false;
}"""


def record_requests(page) -> list[str]:
    """URLs of every request the page (and its iframes) makes from now on."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def record_errors(page) -> list[str]:
    """Uncaught JavaScript errors of the page and its iframes (the map's)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def wait_for_app(page) -> None:
    """Wait until the page's script has produced a title and stopped running."""
    page.wait_for_selector("h1", timeout=60_000)
    wait_idle(page)


def wait_idle(page, timeout: float = 60) -> None:
    """Wait until no element is marked stale and no 'running' icon shows.

    A heuristic: a short rerun may finish before either appears, so tests also
    wait for the effect they expect.
    """
    page.wait_for_timeout(500)
    page.wait_for_function(
        """() => !document.querySelector(
            '[data-stale="true"], [data-testid^="stStatusWidgetRunning"]')""",
        timeout=timeout * 1000,
        polling=200,
    )


def wait_for_map(page, timeout: float = 90, *, also: str | None = None):
    """Wait until a folium map is drawn in its iframe; return that frame.

    streamlit-folium may replace its iframe while the page reruns, so the frames
    are looked up again on each poll rather than held. ``also`` is a JavaScript
    predicate the map's document must satisfy too (e.g. markers present).
    """
    page.wait_for_selector(FOLIUM_IFRAME, timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                if frame.evaluate(MAP_DRAWN_JS) and (
                    also is None or frame.evaluate(also)
                ):
                    return frame
            except PlaywrightError:
                pass  # detached or still loading
        page.wait_for_timeout(250)
    raise AssertionError(f"no folium map drawn within {timeout} s on {page.url}")


def select_option(page, key: str, label: str) -> None:
    """Pick ``label`` in the Streamlit selectbox whose key is ``key``."""
    box = page.locator(f".st-key-{key} [role='combobox']").first
    if box.input_value() == label:
        return
    box.click()
    # The option list is virtualised: type to bring a late option into view.
    box.fill(label)
    page.get_by_role("option", name=label, exact=True).click()
    page.wait_for_function(
        "([sel, label]) => document.querySelector(sel)?.value === label",
        arg=[f".st-key-{key} [role='combobox']", label],
    )
    wait_idle(page)


def choose_option(page, key: str, label: str, *, multi: bool = False) -> None:
    """Choose ``label`` in a selectbox (or a multiselect) by typing its start first.

    Streamlit's option list is virtualised: in a long one, an option far down is
    not rendered until the list is filtered (see also :func:`select_option`).
    """
    box = page.locator(f".st-key-{key} [role='combobox']").first
    option = page.get_by_role("option", name=label, exact=True)
    for attempt in range(3):  # a rerun may redraw the box and close its list
        wait_idle(page)
        box.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(label[:12])
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightError:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    option.click()
    if multi:
        page.keyboard.press("Escape")
    else:
        page.wait_for_function(
            "([sel, label]) => document.querySelector(sel)?.value === label",
            arg=[f".st-key-{key} [role='combobox']", label],
        )
    wait_idle(page)


def screenshot(page, path) -> None:
    """Whole-page screenshot (Streamlit scrolls inside its main block, not body)."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(document.body.scrollHeight,
            ...[...document.querySelectorAll(
                '[data-testid="stMain"], [data-testid="stAppViewContainer"], '
                + '[data-testid="stSidebarContent"]')].map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def nav_links(page) -> list[tuple[str, str]]:
    """(text, path) of the sidebar's page links."""
    return [
        (text.strip(), urlparse(href).path)
        for text, href in page.eval_on_selector_all(
            '[data-testid="stSidebarNav"] a',
            "els => els.map(e => [e.innerText, e.getAttribute('href')])",
        )
    ]


def no_cdn(requests: list[str]) -> None:
    """With vendored Leaflet, nothing may come from a public CDN."""
    if assets.available():
        offline = [u for u in requests if CDN.match(u)]
        assert not offline, f"requests to a CDN despite static/vendor: {offline}"


def open_from_sidebar(page, name: str) -> None:
    """Change page through the sidebar's link (the session and its state stay)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=name).click()
    wait_for_app(page)
