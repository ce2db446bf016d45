"""divide — the Streamlit app: page config, state from the URL, navigation.

Each page draws the shared sidebar with ``_shared.frame()`` (widgets drawn by the
page script keep their state under AppTest too).
"""

import streamlit as st

from divide.i18n import t
from pages import _shared

st.set_page_config(page_title="divide", page_icon=":material/map:", layout="wide")
lang = _shared.start()

pages = {
    t("section_explore", lang): [
        st.Page(
            "pages/overview.py",
            title=t("page_overview", lang),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            "pages/map.py",
            title=t("page_map", lang),
            icon=":material/map:",
            url_path="map",
        ),
        st.Page(
            "pages/compare.py",
            title=t("page_compare", lang),
            icon=":material/leaderboard:",
            url_path="compare",
        ),
        st.Page(
            "pages/profile.py",
            title=t("page_profile", lang),
            icon=":material/description:",
            url_path="profile",
        ),
    ],
    t("section_act", lang): [
        st.Page(
            "pages/access.py",
            title=t("page_access", lang),
            icon=":material/diversity_3:",
            url_path="access",
        ),
    ],
    t("section_data", lang): [
        st.Page(
            "pages/export.py",
            title=t("page_export", lang),
            icon=":material/download:",
            url_path="export",
        ),
    ],
}
st.navigation(pages).run()
