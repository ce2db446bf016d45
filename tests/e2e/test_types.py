"""The "by type of territory" table of the overview, in headless Chromium.

Screenshots land in ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re

import pytest
from browser import (
    query,
    record_errors,
    screenshot,
    wait_for_app,
    wait_for_map,
    wait_idle,
)

from divide import typology
from divide.atlas import Atlas
from divide.i18n import t
from divide.indicators import format_value
from divide.registry import indicator

pytestmark = pytest.mark.e2e


def _plain(text: str) -> str:
    """Spaces of any kind (no-break, narrow no-break) as plain spaces."""
    return re.sub(r"\s", " ", text)


def _table(page, key: str) -> tuple[list[str], dict[str, list[str]]]:
    """Headers and rows (label → cells) of the static table in a keyed block."""
    table = page.locator(f".st-key-{key} table").first
    table.wait_for(timeout=60_000)
    table.scroll_into_view_if_needed()
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return headers[1:], rows


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_overview_by_type_table_and_chart(page, server, artifacts, lang):
    errors = record_errors(page)
    page.goto(server + f"/?lang={lang}&level=departement&code=23")
    wait_for_app(page)
    section = page.locator(".st-key-overview_types")
    section.wait_for(timeout=60_000)
    heading = section.get_by_text(t("type_title", lang), exact=True)
    assert heading.count() == 1
    headers, rows = _table(page, "overview_type_table")

    rural = typology.class_label("density3", "rural", lang)
    dense = typology.class_label("density3", "dense", lang)
    assert headers[0].startswith("Creuse — ")
    assert f"Creuse — {rural}" in headers and f"France — {dense}" in headers
    ind = indicator("thd30_share")
    frame = typology.by_type(Atlas.load(), ("departement", "23")).set_index(
        ["area_code", "class"]
    )
    label = next(r for r in rows if r.startswith(ind.name(lang)[:20]))
    shown = dict(zip(headers, rows[label], strict=True))
    for area, name in (("23", "Creuse"), ("FR", "France")):
        expected = format_value(frame.loc[(area, "rural"), "thd30_share"], ind, lang)
        assert _plain(shown[f"{name} — {rural}"]) == _plain(expected)
    # The chart: one bar per class and area, drawn by Vega in SVG.
    chart = page.locator(".st-key-overview_type_chart svg").first
    chart.wait_for(timeout=60_000)
    bars = page.locator(".st-key-overview_type_chart g.mark-rect path")
    assert bars.count() >= 6, bars.count()
    wait_idle(page)
    screenshot(page, artifacts / f"overview_by_type_full_{lang}.png")
    # Streamlit scrolls inside its main block: make the window tall enough for the
    # whole section to be drawn, then keep the section alone.
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 3000})
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    section.screenshot(path=str(artifacts / f"overview_by_type_{lang}.png"))
    page.set_viewport_size(size)
    assert not errors, errors


def test_map_deep_link_with_a_filter_by_type(page, server, artifacts):
    """A link carrying ``map_density3=rural`` draws only the rural communes."""
    link = "/map?lang=en&level=departement&code=29&ind=thd30_share&mlevel=commune"
    page.goto(server + link)
    frame = wait_for_map(page)
    every = frame.locator("path.leaflet-interactive").count()
    page.goto(server + link + "&map_density3=rural")
    frame = wait_for_map(page)
    wait_idle(page)
    box = page.locator(".st-key-map_density3")
    assert "Rural" in box.inner_text()
    rural = frame.locator("path.leaflet-interactive").count()
    if every:  # SVG renderer: one path per commune drawn
        assert rural == 243 < every, (rural, every)
    assert query(page).get("map_density3") == "rural"
    screenshot(page, artifacts / "map_rural_communes_29.png")
