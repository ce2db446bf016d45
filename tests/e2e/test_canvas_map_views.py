"""The map page's large views on the canvas map, in Chromium: the communes of a
région and the EPCI of France are drawn from their level's shapes file, one by
one found by hovering (name and value, recomputed from ARCEP's raw file), filled
with their class's colour, and a click selects the territory."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from appserver import ROOT
from browser import (
    no_cdn,
    record_errors,
    record_requests,
    screenshot,
    select_option,
    wait_for_map,
    wait_idle,
)
from conftest import ARTIFACTS
from leaflet import hover_point
from test_national_map_in_browser import wait_for_national

ATLAS = ROOT / "data" / "atlas"
# The fill under a point of the canvas, and the fill the view gave that territory.
PIXEL = """([y, x, code]) => {
    const s = window.__divide, map = window.__divideMap;
    const ratio = window.devicePixelRatio || 1;
    const lp = map.latLngToLayerPoint([y, x]), tl = L.DomUtil.getPosition(s.canvas);
    const d = s.ctx.getImageData(Math.round((lp.x - tl.x) * ratio),
                                 Math.round((lp.y - tl.y) * ratio), 1, 1).data;
    const i = s.doc.codes.indexOf(code), v = s.args.values;
    return {pixel: [d[0], d[1], d[2], d[3]], fill: v.fills[v.cls[s.slot[i]]]};
}"""


def _share(raw: pd.DataFrame) -> float:
    return float(
        (raw.elig_thd30 + raw.elig_thd100 + raw.elig_thd1g).sum() / raw.nbr.sum()
    )


def _painted(found: dict) -> None:
    # The class's fill, at the map's opacity (0.85) over the page's white.
    fill = found["fill"].lstrip("#")
    rgb = [int(fill[i : i + 2], 16) for i in (0, 2, 4)]
    assert all(abs(a - b) <= 2 for a, b in zip(found["pixel"][:3], rgb, strict=True))
    assert abs(found["pixel"][3] - 0.85 * 255) <= 2


@pytest.fixture(scope="module")
def territories() -> pd.DataFrame:
    return pd.read_parquet(ATLAS / "territories.parquet")


def _point(level: str, code: str):
    display = gpd.read_parquet(ATLAS / f"geo_{level}_display.parquet")
    return display.set_index("code").geometry[code].representative_point()


def _open(page, server, url: str):
    page.goto(server + url)
    frame = wait_for_national(page)
    assert "divide_national_map" in frame.url
    return frame


def test_region_communes_hover_colour_click(browser, server, raw_arcep, territories):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = record_errors(page)
    requests = record_requests(page)
    frame = _open(
        page,
        server,
        "/map?lang=en&level=region&code=84&mlevel=commune&ind=thd30_share",
    )
    # Only the région's communes are drawn, from the national commune file.
    communes = territories[
        (territories["level"] == "commune") & (territories["region"] == "84")
    ]
    display = gpd.read_parquet(ATLAS / "geo_commune_display.parquet")
    shaped = display[display.geometry.notna() & ~display.geometry.is_empty]
    drawn = frame.evaluate("() => window.__divide.layers.filter(Boolean).length")
    assert drawn == int(communes["code"].isin(shaped["code"]).sum()) > 4000
    assert frame.evaluate("() => window.__divide.url").startswith("communes-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / "canvas_map_region_84.png")

    grenoble = _point("commune", "38185")
    frame.evaluate(
        "([y, x]) => window.__divideMap.setView([y, x], 11, {animate: false})",
        [grenoble.y, grenoble.x],
    )
    page.wait_for_timeout(600)
    _painted(frame.evaluate(PIXEL, [grenoble.y, grenoble.x, "38185"]))
    tip = hover_point(page, frame, grenoble.y, grenoble.x)
    share = _share(raw_arcep[raw_arcep["code_insee"] == "38185"])
    assert "Grenoble" in tip["text"]
    assert f"{100 * share:.1f}" in tip["text"]
    assert tip["elements"] == ["B", "BR", "BR"]

    # A click selects Grenoble: the sidebar and the URL follow, and the map
    # opens at the new territory's own scale (Isère's communes, on folium).
    box = frame.frame_element().bounding_box()
    point = frame.evaluate(
        "([y, x]) => window.__divideMap.latLngToContainerPoint([y, x])",
        [grenoble.y, grenoble.x],
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        "() => location.search.includes('code=38185')", timeout=60_000
    )
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    assert "Grenoble" in sidebar.first.inner_text()
    wait_for_map(page)
    assert not errors, errors
    no_cdn(requests)


def test_epci_of_france_hover_colour_click(browser, server, raw_arcep, territories):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = record_errors(page)
    frame = _open(page, server, "/map?lang=en&mlevel=epci&ind=thd30_share")
    epci = gpd.read_parquet(ATLAS / "geo_epci_display.parquet")
    shaped = epci.geometry.notna() & ~epci.geometry.is_empty
    drawn = frame.evaluate("() => window.__divide.layers.filter(Boolean).length")
    assert drawn == int(shaped.sum()) > 1000
    assert frame.evaluate("() => window.__divide.url").startswith("epci-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, ARTIFACTS / "canvas_map_epci.png")

    code = "242900314"  # Brest Métropole
    brest = _point("epci", code)
    frame.evaluate(
        "([y, x]) => window.__divideMap.setView([y, x], 9, {animate: false})",
        [brest.y, brest.x],
    )
    page.wait_for_timeout(600)
    _painted(frame.evaluate(PIXEL, [brest.y, brest.x, code]))
    tip = hover_point(page, frame, brest.y, brest.x)
    members = territories[
        (territories["level"] == "commune") & (territories["epci"] == code)
    ]["code"]
    share = _share(raw_arcep[raw_arcep["code_insee"].isin(members)])
    name = territories.set_index(["level", "code"]).loc[("epci", code), "name"]
    assert name.split()[0] in tip["text"]
    assert f"{100 * share:.1f}" in tip["text"]

    box = frame.frame_element().bounding_box()
    point = frame.evaluate(
        "([y, x]) => window.__divideMap.latLngToContainerPoint([y, x])",
        [brest.y, brest.x],
    )
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function(
        f"() => location.search.includes('code={code}')", timeout=60_000
    )
    wait_idle(page)
    assert "level=epci" in page.url
    sidebar = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    assert name.split()[0] in sidebar.first.inner_text()
    # Back to the EPCI of France: the one chosen is outlined.
    select_option(page, "map_level", "EPCI")
    wait_idle(page)
    frame = wait_for_national(page)
    outlined = frame.evaluate(
        "() => window.__divide.doc.codes[window.__divide.selectedIndex]"
    )
    assert outlined == code
    page.screenshot(path=str(ARTIFACTS / "canvas_map_epci_selected.png"))
    assert not errors, errors
