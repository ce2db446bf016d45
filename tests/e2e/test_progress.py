"""The progress page in Chromium: the line chart and the map's date control."""

from __future__ import annotations

import pytest
from browser import record_errors, screenshot, wait_for_app, wait_for_map, wait_idle

from divide.i18n import t

pytestmark = pytest.mark.e2e

CANVAS_SUM_JS = """() => {
    let total = 0;
    for (const c of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 16) total = (total * 31 + d[i]) % 1000000007;
    }
    return total;
}"""


def _map_pixels(page) -> int:
    frame = wait_for_map(page)
    return frame.evaluate(CANVAS_SUM_JS)


def test_progress_chart_and_date_control_change_the_map(server, page, artifacts):
    errors = record_errors(page)
    page.goto(
        f"{server}/progress?lang=en&level=departement&code=48",
        wait_until="domcontentloaded",
    )
    wait_for_app(page)
    chart = page.locator(".st-key-progress_chart .js-plotly-plot")
    chart.wait_for(timeout=60_000)
    legend = chart.inner_text()
    assert "Lozère" in legend and "Occitanie" in legend and "France" in legend
    before = _map_pixels(page)
    screenshot(page, artifacts / "progress_lozere.png")
    slider = page.locator(".st-key-progress_date input[type='range']")
    assert "30 Sep 2022" in slider.get_attribute("aria-valuetext")
    slider.focus()
    page.keyboard.press("Home")  # the oldest date
    wait_idle(page)
    page.wait_for_function(
        "() => document.querySelector(\".st-key-progress_date input[type='range']\")"
        ".getAttribute('aria-valuetext').includes('2017')"
    )
    wait_idle(page)
    page.wait_for_timeout(500)
    after = _map_pixels(page)
    assert after != before, "moving the date did not redraw the map"
    assert "date=2017-12-31" in page.url
    caption = t("progress_map_note", "en", date="31 Dec 2017", n=101)
    assert page.get_by_text(caption).count() == 1  # Mayotte has 2017 values
    screenshot(page, artifacts / "progress_lozere_2017.png")
    assert errors == []
