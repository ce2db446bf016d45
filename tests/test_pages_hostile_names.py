"""Every page, on an atlas whose names carry Markdown: the names show as text.

A commune called ``[link](javascript:...) **bold**`` must never become a link or
bold text in a caption, a notice or a heading. Streamlit renders those elements
as Markdown, so each such text must reach it escaped (``divide.safe_text``).
"""

from __future__ import annotations

import pytest
import streamlit as st
from apptest import open_page
from poison import poisoned_copy

from divide.atlas import ATLAS_ENV

LINK = "[link](javascript:window.__pwned=1) **bold**"
POISON = {
    ("commune", "29019"): f"{LINK} Brest",
    ("departement", "29"): f"{LINK} Finistère",
    ("region", "53"): f"{LINK} Bretagne",
}
PAGES = (
    "pages/overview.py",
    "pages/map.py",
    "pages/profile.py",
    "pages/compare.py",
    "pages/fragility.py",
    "pages/access.py",
    "pages/recommendations.py",
    "pages/presenter.py",
    "pages/export.py",
)
MARKDOWN_ELEMENTS = (
    "markdown",
    "caption",
    "info",
    "warning",
    "success",
    "error",
    "title",
    "header",
    "subheader",
)


@pytest.fixture(scope="module")
def poisoned_atlas(tmp_path_factory):
    folder = poisoned_copy(tmp_path_factory.mktemp("poisoned") / "atlas", POISON)
    patch = pytest.MonkeyPatch()
    patch.setenv(ATLAS_ENV, str(folder))
    # The app caches the atlas for the whole process: read this one instead.
    st.cache_resource.clear()
    st.cache_data.clear()
    yield folder
    patch.undo()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("level,code", [("commune", "29019"), ("departement", "29")])
@pytest.mark.parametrize("page", PAGES)
def test_names_reach_markdown_escaped(poisoned_atlas, page, level, code):
    at = open_page(page, timeout=180, lang="en", level=level, code=code)
    raw = []
    for kind in MARKDOWN_ELEMENTS:
        for element in getattr(at, kind):
            text = str(getattr(element, "value", "") or getattr(element, "body", ""))
            if "[link](" in text or "**bold**" in text:
                raw.append(f"{kind}: {text[:160]}")
    for metric in at.metric:
        if "[link](" in metric.label:
            raw.append(f"metric label: {metric.label[:160]}")
    shown = " ".join(
        str(getattr(e, "value", ""))
        for kind in MARKDOWN_ELEMENTS
        for e in getattr(at, kind)
    )
    assert "Brest" in shown or "Finistère" in shown or "Bretagne" in shown, page
    assert raw == [], raw
