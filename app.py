"""divide — the Streamlit app: page config, state from the URL, navigation.

Each page draws the shared sidebar with ``_shared.frame()`` (widgets drawn by the
page script keep their state under AppTest too).
"""

import streamlit as st

from divide.i18n import t
from pages import _shared

st.set_page_config(page_title="divide", page_icon=_shared.ICON, layout="wide")
lang = _shared.start()

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

sections: dict[str, list] = {}
for section, name, icon in PAGES:
    sections.setdefault(t(section, lang), []).append(
        st.Page(
            f"pages/{name}.py",
            title=t(f"page_{name}", lang),
            icon=icon,
            # the default page is served at /; its own path only names it
            url_path="home" if name == "overview" else name,
            default=name == "overview",
        )
    )
# Every page has its URL: the overview is also at /overview (a hidden entry of the
# same script, so the menu lists it once).
sections[t("section_explore", lang)].append(
    st.Page(
        "pages/overview.py",
        title=t("page_overview", lang),
        icon=PAGES[0][2],
        url_path="overview",
        visibility="hidden",
    )
)
st.navigation(sections).run()
