"""The planner's journey with the keyboard only, in real Chromium.

Tab reaches the sidebar search, a territory is found and picked with the arrow
keys and Enter, the map page is opened from the sidebar's links with Enter, and
the map's indicator is changed from the keyboard. Every control the journey
lands on shows where the focus is (an outline or a ring), since a keyboard user
has nothing else to go by.
"""

from __future__ import annotations

import pytest
from browser import FOLIUM_IFRAME, query, wait_for_app, wait_for_map, wait_idle

from divide.i18n import t
from divide.registry import indicator

pytestmark = pytest.mark.e2e

# Where the focus is: the keyed Streamlit block holding it (or the link's text).
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {key: null, tag: null, text: ''};
    const block = el.closest('[class*="st-key-"]');
    const key = block ? [...block.classList].find(c => c.startsWith('st-key-')) : null;
    return {key: key && key.slice(7), tag: el.tagName, text: el.innerText || '',
            path: el.tagName === 'A' ? new URL(el.href, location.href).pathname : ''};
}"""
# The box around the focused element that a focus ring would be drawn in.
AROUND_FOCUS = """() => {
    const el = document.activeElement;
    const box = (el.closest('[class*="st-key-"]') || el).getBoundingClientRect();
    return {x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8};
}"""
NO_CARET = "* { caret-color: transparent !important; }"


def focus_is_visible(page) -> bool:
    """The focused control looks different from the same control unfocused.

    Compared as pixels (the caret hidden, so that only a ring or an outline can
    make the difference): that is what a keyboard user goes by.
    """
    page.wait_for_timeout(300)  # transitions of the ring
    clip = page.evaluate(AROUND_FOCUS)
    focused = page.screenshot(clip=clip)
    page.evaluate(
        "() => { window.__focused = document.activeElement; "
        "document.activeElement.blur(); }"
    )
    page.wait_for_timeout(300)
    blurred = page.screenshot(clip=clip)
    page.evaluate("() => window.__focused.focus()")
    page.wait_for_timeout(300)
    return focused != blurred


def tab_to(page, found, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab (or ``key``) until ``found(focus)`` holds; the focus there."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS)
        if found(focus):
            return focus
        seen.append((focus["key"], focus["tag"], focus["text"][:20]))
    raise AssertionError(f"not reached with {limit} presses of {key}: {seen}")


def test_planner_journey_with_the_keyboard_only(page, server, artifacts):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/?lang=en")
    wait_for_app(page)
    # The sidebar is drawn when the script has run (seconds on a busy machine):
    # tabbing before it is there cycles through the page without it.
    page.locator(".st-key-territory_query input").wait_for(timeout=90_000)
    wait_idle(page)
    page.add_style_tag(content=NO_CARET)

    # The sidebar's search: type a name, Enter.
    focus = tab_to(page, lambda f: f["key"] == "territory_query")
    assert focus_is_visible(page), focus
    page.keyboard.type("Creuse")
    page.keyboard.press("Enter")
    wait_idle(page)

    # The matches: the département picked from the list with the keyboard.
    focus = tab_to(page, lambda f: f["key"] == "territory_pick")
    assert focus_is_visible(page), focus
    wanted = "Creuse — " + t("level_departement", "en") + " 23"
    # Typed in, the list keeps the matching options, the first one highlighted.
    page.keyboard.type(wanted)
    page.get_by_role("option", name=wanted, exact=True).wait_for(timeout=20_000)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('code=23')", timeout=60_000)
    wait_idle(page)
    assert query(page)["level"] == "departement"

    # The map page, from the sidebar's links.
    map_label = t("page_map", "en")
    focus = tab_to(
        page, lambda f: f["path"].endswith("/map") and map_label in f["text"], 100
    )
    assert focus_is_visible(page), focus
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.pathname.endsWith('/map')", timeout=60_000)
    wait_for_map(page)
    page.add_style_tag(content=NO_CARET)
    assert query(page)["code"] == "23"

    # The indicator: typed into its box, chosen with Enter; the map follows.
    focus = tab_to(page, lambda f: f["key"] == "indicator")
    assert focus_is_visible(page), focus
    target = indicator("age65_share")
    page.keyboard.type(target.name("en")[:14])
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(id) => location.search.includes('ind=' + id)", arg=target.id, timeout=60_000
    )
    wait_idle(page)
    legend = page.locator(".divide-legend").first
    legend.filter(has_text=target.name("en")).wait_for(timeout=60_000)
    wait_for_map(page)
    page.locator(FOLIUM_IFRAME).first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "keyboard_map_creuse.png"))
