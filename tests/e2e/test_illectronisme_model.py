"""Browser test: the illectronisme method panel and the IFN 2023 comparison."""

from __future__ import annotations

import pytest
from browser import screenshot, wait_for_app, wait_idle

from divide.i18n import t


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_method_panel_shows_the_model_by_type_of_territory(
    page, server, artifacts, lang
):
    page.goto(f"{server}/access?lang={lang}&level=departement&code=23")
    wait_for_app(page)
    wait_idle(page)
    page.get_by_text(t("access_method", lang)).first.click()
    page.get_by_text(t("il_ref_title", lang)).first.wait_for(timeout=60_000)
    page.get_by_text(t("il_ref_title", lang)).first.scroll_into_view_if_needed()
    wait_idle(page)
    screenshot(page, artifacts / f"illectronisme_panel_{lang}.png")
    assert page.get_by_text(t("il_ref_caption", lang)).first.is_visible()


def test_fragility_page_shows_ifn2023(page, server, artifacts):
    page.goto(f"{server}/fragility?lang=en")
    wait_for_app(page)
    wait_idle(page)
    heading = page.get_by_text(t("frag_ifn2023", "en")).first
    heading.wait_for(timeout=90_000)
    heading.scroll_into_view_if_needed()
    wait_idle(page)
    screenshot(page, artifacts / "fragility_ifn2023_en.png")
    assert page.get_by_text(t("frag_ifn2023_caption", "en")[:40]).first.is_visible()
