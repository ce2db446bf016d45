"""Hovering and clicking what Leaflet draws, inside streamlit-folium's map frame.

The maps draw on a canvas (``prefer_canvas``), so markers and shapes have no DOM
element to point at: the mouse is moved to where Leaflet puts a point, in page
coordinates, and the tooltip or popup Leaflet then opens is read back.
"""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Every site marker of the frame's clusters, in cluster order.
_MARKERS = """() => {
    const out = [];
    for (const v of Object.values(window)) {
        if (v instanceof L.MarkerClusterGroup && !out.includes(v)) out.push(v);
    }
    window.__divideMarkers = out.flatMap(c => c.getLayers().map(m => [c, m]));
    return window.__divideMarkers.length;
}"""
# Unclusters marker i if needed, then gives its point in the frame's viewport.
_SHOW_MARKER = """(i) => new Promise(resolve => {
    const [cluster, marker] = window.__divideMarkers[i];
    const map = cluster._map;
    map.closePopup();
    map.eachLayer(layer => layer.closeTooltip && layer.closeTooltip());
    cluster.zoomToShowLayer(marker, () => setTimeout(() => {
        const p = map.latLngToContainerPoint(marker.getLatLng());
        const box = map.getContainer().getBoundingClientRect();
        resolve({x: box.left + p.x, y: box.top + p.y});
    }, 400));
})"""
# The point of a latitude/longitude on the frame's (first) map.
_POINT = """([lat, lon]) => {
    const map = window.__divideMap  // the national map keeps its own
        || Object.values(window).find(v => v instanceof L.Map);
    const p = map.latLngToContainerPoint([lat, lon]);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + p.x, y: box.top + p.y};
}"""
_READ = """(selector) => {
    const nodes = [...document.querySelectorAll(selector)];
    const node = nodes[nodes.length - 1];
    if (!node) return null;
    const tags = [...node.querySelectorAll('*')].map(e => e.tagName);
    return {text: node.textContent, html: node.innerHTML, elements: tags};
}"""


def count_markers(frame) -> int:
    """Index the site markers of the map in ``frame``; return how many there are."""
    return frame.evaluate(_MARKERS)


def _page_point(frame, script: str, arg) -> tuple[float, float]:
    # In view first: Chromium throttles the animation frames of an iframe out of
    # view, and Leaflet's zoom would not settle.
    element = frame.frame_element()
    element.scroll_into_view_if_needed()
    point = frame.evaluate(script, arg)
    box = element.bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def _move_onto(page, x: float, y: float) -> None:
    # Leaflet's canvas handles at most one mouse move per 32 ms: arrive, pause,
    # and nudge, so that the move onto the point is not the one dropped.
    page.mouse.move(x - 30, y - 30)
    page.wait_for_timeout(100)
    page.mouse.move(x, y)
    page.wait_for_timeout(100)
    page.mouse.move(x + 1, y)


def _read(page, frame, selector: str, timeout: float = 10) -> dict:
    frame.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
    page.wait_for_timeout(150)
    return frame.evaluate(_READ, selector)


def hover_marker(page, frame, i: int) -> dict:
    """Move the mouse onto site marker ``i``: the tooltip Leaflet opens.

    Returns ``{"text", "html", "elements"}`` of the tooltip (its text content, its
    inner HTML and the tags of the elements inside it).
    """
    return _until_open(page, frame, i, ".leaflet-tooltip", click=False)


def click_marker(page, frame, i: int) -> dict:
    """Click site marker ``i``: the popup Leaflet opens (as :func:`hover_marker`)."""
    return _until_open(page, frame, i, ".leaflet-popup-content", click=True)


def _until_open(page, frame, i: int, selector: str, *, click: bool) -> dict:
    # A cluster's zoom can still be settling when the point is read (the marker
    # then moves under the mouse): read the point again and retry, as a person
    # would move the mouse back onto the marker.
    for attempt in range(3):
        x, y = _page_point(frame, _SHOW_MARKER, i)
        _move_onto(page, x, y)
        if click:
            page.mouse.click(x, y)
        try:
            opened = _read(page, frame, selector, timeout=4 if attempt < 2 else 10)
        except PlaywrightTimeout:
            continue
        if opened is not None:  # None: it opened, then closed as the map moved
            return opened
    raise AssertionError(f"no {selector} opened on site marker {i}")


def hover_point(page, frame, lat: float, lon: float) -> dict:
    """Move the mouse onto a place of the map: the tooltip of the shape there."""
    _move_onto(page, *_page_point(frame, _POINT, [lat, lon]))
    return _read(page, frame, ".leaflet-tooltip")
