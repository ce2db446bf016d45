"""Presenter mode in headless Chromium: a deep link opens its slide, next moves on.

Screenshots (viewport only: what the room sees) land in ``tests/artifacts/``.
"""

from __future__ import annotations

import re
import time

import pytest
from browser import query, wait_idle

from divide import story
from divide.i18n import t

pytestmark = pytest.mark.e2e

DEEP_LINK = "/presenter?lang=en&level=departement&code=23&slide=2"
LOCAL = re.compile(r"^(https?://127\.0\.0\.1[:/]|data:|blob:|about:)")
# A plotly chart is drawn when its SVG has bars, or its map canvas has a size.
CHART_DRAWN_JS = """() => {
    const chart = document.querySelector('[data-testid="stPlotlyChart"]');
    if (!chart) return false;
    if (chart.querySelectorAll('g.point path, g.trace.bars path').length) return true;
    const canvas = chart.querySelector('canvas.maplibregl-canvas, canvas');
    return !!(canvas && canvas.width > 0 && canvas.height > 0
              && chart.querySelector('.colorbar'));
}"""


def wait_for_slide(page, title: str, timeout: float = 90) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)",
        arg=title,
        timeout=timeout * 1000,
    )
    page.wait_for_function(CHART_DRAWN_JS, timeout=timeout * 1000, polling=250)
    wait_idle(page)
    page.wait_for_timeout(700)  # let the chart finish its layout


def test_presenter_deep_link_then_next(page, server, artifacts):
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))

    started = time.monotonic()
    page.goto(server + DEEP_LINK)
    wait_for_slide(page, t("story_title_mobile", "en"))
    elapsed = time.monotonic() - started
    print(f"\n[e2e] presenter deep link → slide 2 in {elapsed:.1f} s")
    assert query(page).get("slide") == "2"
    assert f"2 / {len(story.SLIDES)}" in page.locator("body").inner_text()
    figure = page.locator(".st-key-pres_value p").first
    assert re.search(r"\d", figure.inner_text())
    size = figure.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 56, f"key figure at {size}px: too small for a room"
    page.screenshot(path=str(artifacts / "presenter_slide2.png"))

    started = time.monotonic()
    page.locator(".st-key-pres_next button").click()
    wait_for_slide(page, t("story_title_illectronisme", "en"))
    page.wait_for_function("() => location.search.includes('slide=3')")
    print(f"[e2e] next → slide 3 (map) in {time.monotonic() - started:.1f} s")
    assert query(page).items() >= {"slide": "3", "code": "23", "lang": "en"}.items()
    assert page.locator('[data-testid="stBadge"], .stBadge').count() or (
        t("modelled", "en") in page.locator("body").inner_text()
    )
    page.screenshot(path=str(artifacts / "presenter_slide3.png"))

    assert not errors, errors
    outside = [u for u in requests if not LOCAL.match(u)]  # the tab icon too
    assert not outside, f"the presenter reached the network: {outside[:5]}"


def test_presenter_full_screen_hides_sidebar(page, server):
    page.goto(server + "/presenter?lang=fr&present=1&slide=6")
    wait_for_slide(page, t("story_title_actions", "fr"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.count() == 0 or not sidebar.first.is_visible()
    assert query(page).get("present") == "1"


def test_presenter_auto_advance(page, server):
    """With auto-advance on, the slide moves on by itself (timed fragment rerun)."""
    page.goto(server + "/presenter?lang=en&slide=1")
    wait_for_slide(page, t("story_title_broadband", "en"))
    page.locator(".st-key-pres_auto label").click()
    wait_idle(page)
    box = page.locator(".st-key-pres_seconds [role='combobox']").first
    box.click()
    page.get_by_role("option", name=t("pres_every", "en", s=5), exact=True).click()
    started = time.monotonic()
    page.wait_for_function(
        "() => location.search.includes('slide=2')", timeout=30_000, polling=250
    )
    wait_for_slide(page, t("story_title_mobile", "en"))
    print(f"\n[e2e] auto-advance moved on after {time.monotonic() - started:.1f} s")
