"""The use of mediation next to supply and need, in Chromium (profile page)."""

from __future__ import annotations

import pytest
from browser import record_errors, screenshot, wait_for_app, wait_idle

from divide.i18n import t

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_profile_shows_use_next_to_supply_and_need(page, server, artifacts, lang):
    errors = record_errors(page)
    page.goto(
        f"{server}/profile?lang={lang}&level=departement&code=23",
        wait_until="domcontentloaded",
    )
    wait_for_app(page)
    section = page.locator(".st-key-profile_use")
    section.wait_for(timeout=90_000)
    wait_idle(page)
    assert section.get_by_text(t("use_heading", lang), exact=True).count() == 1
    text = section.inner_text()
    assert t("use_caption", lang, date="x").split("(")[0].strip() in text
    # The table (a canvas grid) is drawn with its rows.
    grid = section.locator("[data-testid='stDataFrame']")
    grid.first.wait_for(timeout=60_000)  # drawn after the section's text
    assert grid.count() == 1 and grid.bounding_box()["height"] > 100
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    section.screenshot(path=str(artifacts / f"profile_use_creuse_{lang}.png"))
    screenshot(page, artifacts / f"profile_use_creuse_full_{lang}.png")
    assert not errors, errors
