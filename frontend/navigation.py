"""The app's pages and the route to them (used by ``app.py`` and every page).

``app.py`` calls :func:`run`: ``st.navigation`` over ``st.Page`` objects, each
page script in ``pages/``. A fresh server that finds a ``pages/`` folder beside
``app.py`` runs a deep link's first script (``/map?...``) in Streamlit's
pages-folder mode, without ``app.py``: the page alone, its nav listing every
file of the folder. :func:`require_router` (called by every page through
:func:`frontend.sidebar.frame`) notices that ``app.py`` did not run and routes
through it with public calls only: ``st.navigation`` (which, as documented,
turns the pages-folder mode off) and ``st.rerun``.
"""

from __future__ import annotations

import streamlit as st
from PIL import Image

from divide import classify
from divide.i18n import t

# (section, page name, icon): the file is pages/<name>.py, the URL /<name>,
# the title the i18n key page_<name>.
PAGES = [
    ("section_explore", "overview", ":material/dashboard:"),
    ("section_explore", "map", ":material/map:"),
    ("section_explore", "compare", ":material/leaderboard:"),
    ("section_explore", "progress", ":material/timeline:"),
    ("section_explore", "profile", ":material/description:"),
    ("section_explore", "presenter", ":material/slideshow:"),
    ("section_act", "access", ":material/diversity_3:"),
    ("section_act", "fragility", ":material/warning:"),
    ("section_act", "recommendations", ":material/lightbulb:"),
    ("section_act", "audacities", ":material/radar:"),
    ("section_data", "export", ":material/download:"),
    ("section_data", "upload", ":material/upload_file:"),
]
_ROUTED = "_routed_by_app"


def _tab_icon() -> Image.Image:
    # Four classes of the map palette, drawn here: a ":material/…:" icon would be
    # fetched from Google Fonts, and forums are often offline.
    icon = Image.new("RGB", (32, 32))
    for i, colour in enumerate(classify.palette(4, "higher_worse")):
        x, y = 16 * (i % 2), 16 * (i // 2)
        icon.paste(colour, (x, y, x + 16, y + 16))
    return icon


ICON = _tab_icon()


def sections(lang: str) -> dict[str, list[st.Page]]:
    """The pages by section, titled in ``lang``."""
    out: dict[str, list] = {}
    for section, name, icon in PAGES:
        out.setdefault(t(section, lang), []).append(
            st.Page(
                f"pages/{name}.py",
                title=t(f"page_{name}", lang),
                icon=icon,
                # the default page is served at /; its own path only names it
                url_path="home" if name == "overview" else name,
                default=name == "overview",
            )
        )
    # Every page has its URL: the overview is also at /overview (a hidden entry of
    # the same script, so the menu lists it once).
    out[t("section_explore", lang)].append(
        st.Page(
            "pages/overview.py",
            title=t("page_overview", lang),
            icon=PAGES[0][2],
            url_path="overview",
            visibility="hidden",
        )
    )
    return out


def run(lang: str) -> None:
    """Route this run to the page of the URL (from ``app.py``)."""
    page = st.navigation(sections(lang))
    st.session_state[_ROUTED] = True
    page.run()


def require_router(lang: str) -> None:
    """Run again through ``app.py`` if this page was run without it (see above)."""
    if not st.session_state.pop(_ROUTED, False):
        st.navigation(sections(lang))
        st.rerun()
