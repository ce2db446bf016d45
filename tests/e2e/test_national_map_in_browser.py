"""The national commune map in Chromium: it draws every commune, a commune is
found by hovering (name and value, recomputed from ARCEP's raw file), a click
selects it, and the browser logs no error."""

from __future__ import annotations

import time

import geopandas as gpd
from appserver import ROOT
from browser import (
    no_cdn,
    record_errors,
    record_requests,
    screenshot,
    wait_idle,
)
from conftest import ARTIFACTS
from leaflet import hover_point
from playwright.sync_api import Error as PlaywrightError

URL = "/map?lang=en&mlevel=commune_fr&ind=thd30_share"
DRAWN = "() => !!(window.__divide && window.__divide.drawn)"


def wait_for_national(page, timeout: float = 120):
    """The national map's frame once every commune is painted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "divide_national_map" not in frame.url:
                continue
            try:
                if frame.evaluate(DRAWN):
                    return frame
            except PlaywrightError:  # detached or still loading
                pass
        page.wait_for_timeout(250)
    raise AssertionError(f"the national map was not drawn within {timeout} s")


def test_national_map_hover_click_no_error(browser, server, raw_arcep):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = record_errors(page)
    requests = record_requests(page)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(server + URL)
    frame = wait_for_national(page)
    display = gpd.read_parquet(ROOT / "data" / "atlas" / "geo_commune_display.parquet")
    present = display.geometry.notna() & ~display.geometry.is_empty
    drawn = frame.evaluate("() => window.__divide.layers.filter(Boolean).length")
    assert drawn == int(present.sum())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / "national_map.png")

    # Zoom onto Brest, then hover it: its name and its share (ARCEP, 2019-09-30).
    brest = display.set_index("code").geometry["29019"].representative_point()
    frame.evaluate(
        "([y, x]) => window.__divideMap.setView([y, x], 11, {animate: false})",
        [brest.y, brest.x],
    )
    page.wait_for_timeout(600)
    tip = hover_point(page, frame, brest.y, brest.x)
    row = raw_arcep[raw_arcep["code_insee"] == "29019"].iloc[0]
    share = (row.elig_thd30 + row.elig_thd100 + row.elig_thd1g) / row.nbr
    assert "Brest" in tip["text"]
    assert f"{100 * share:.1f}" in tip["text"]
    assert tip["elements"] == ["B", "BR", "BR"]  # only the markup the map writes
    page.screenshot(path=str(ARTIFACTS / "national_map_brest.png"))

    # A click selects the commune: the sidebar and the URL follow.
    box = frame.frame_element().bounding_box()
    point = frame.evaluate(
        "([y, x]) => window.__divideMap.latLngToContainerPoint([y, x])",
        [brest.y, brest.x],
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        "() => location.search.includes('code=29019')", timeout=60_000
    )
    wait_idle(page)
    assert (
        "Brest"
        in page.locator(
            '[data-testid="stSidebar"] [data-testid="stAlert"]'
        ).first.inner_text()
    )
    frame = wait_for_national(page)
    outlined = frame.evaluate(
        "() => window.__divide.doc.codes[window.__divide.selectedIndex]"
    )
    assert outlined == "29019"
    assert not errors, errors
    assert not [c for c in console if "favicon" not in c and "404" not in c], console
    no_cdn(requests)
