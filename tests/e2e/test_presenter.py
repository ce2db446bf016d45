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
# A chart is drawn when its Vega SVG has marks: bars, lines or the map's shapes.
CHART_DRAWN_JS = """() => {
    const marks = ['rect', 'line', 'shape']
        .map(m => `.st-key-pres_chart .vega-embed g.mark-${m} path`).join(', ');
    return document.querySelectorAll(marks).length > 0;
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
    page.get_by_role("button", name=t("pres_options", "en")).click()
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


# ------------------------------------------------ the presenter journey (issue 17)
NO_SCROLL_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const boxes = [document.scrollingElement, main].filter(Boolean);
    return Math.max(...boxes.map(b => b.scrollHeight - b.clientHeight));
}"""
SIDEBAR_SHOWN_JS = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar) return false;
    const box = bar.getBoundingClientRect();
    const shown = getComputedStyle(bar).visibility !== 'hidden';
    return box.width > 40 && box.right > 40 && shown;
}"""
SIZES_JS = """() => {
    const px = sel => { const e = document.querySelector(sel);
        return e ? parseFloat(getComputedStyle(e).fontSize) : 0; };
    const body = [...document.querySelectorAll(
        '.st-key-pres_facts p, .st-key-pres_reco p, .st-key-pres_vintage p')]
        .map(e => parseFloat(getComputedStyle(e).fontSize));
    const chart = document.querySelector('.st-key-pres_chart svg text');
    return {h1: px('.st-key-pres_slide h1'), body: Math.min(...body),
            app: getComputedStyle(
                document.querySelector('.st-key-pres_reco p')).fontFamily,
            chart: chart ? getComputedStyle(chart).fontFamily : null};
}"""
CUT_LABELS_JS = """() => [...document.querySelectorAll('.st-key-pres_nav button')]
    .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.innerText)"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_presenter_journey_creuse_fits_the_projector(browser, server, artifacts, size):
    """Creuse in English: every slide fits without scrolling, the sidebar is not
    shown, arrow keys move, the vintage is on every slide in readable type."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(server + "/presenter?lang=en&level=departement&code=23")
        for number, slide_id in enumerate(story.SLIDES, start=1):
            wait_for_slide(page, t(f"story_title_{slide_id}", "en"))
            assert query(page).get("slide") == str(number)
            assert not page.evaluate(SIDEBAR_SHOWN_JS), "the sidebar is in view"
            overflow = page.evaluate(NO_SCROLL_JS)
            page.wait_for_timeout(700)  # the chart's layout after its first marks
            page.screenshot(
                path=str(artifacts / f"presenter_creuse_{width}x{height}_{number}.png")
            )
            assert overflow <= 1, f"slide {number} scrolls by {overflow}px at {size}"
            vintage = page.locator(".st-key-pres_vintage").inner_text()
            assert "Source" in vintage and "vintage" in vintage, vintage
            sizes = page.evaluate(SIZES_JS)
            assert sizes["h1"] >= 40 and sizes["body"] >= 22, sizes
            if sizes["chart"]:
                # The chart's texts are in the app's font.
                first = sizes["app"].split(",")[0].strip().strip('"')
                assert first in sizes["chart"], sizes
            assert not page.evaluate(CUT_LABELS_JS)
            recommendation = page.locator(".st-key-pres_reco").bounding_box()
            assert recommendation["y"] + recommendation["height"] <= height + 1
            if number < len(story.SLIDES):
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    "n => location.search.includes('slide=' + n)", arg=str(number + 1)
                )
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => location.search.includes('slide=6')")
        wait_for_slide(page, t("story_title_actions", "en"))
    except Exception:
        page.screenshot(path=str(artifacts / f"FAILED_presenter_{width}x{height}.png"))
        raise
    finally:
        context.close()


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720), (390, 844)])
def test_presenter_screenshots(browser, server, artifacts, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(server + "/presenter?lang=en&level=departement&code=23&slide=4")
        wait_for_slide(page, t("story_title_mediation", "en"))
        page.screenshot(
            path=str(artifacts / f"presenter_mediation_{width}x{height}.png")
        )
        text = page.locator(".st-key-pres_slide").inner_text()
        assert "Source" in text
    finally:
        context.close()
