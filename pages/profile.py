"""A territory's profile: every indicator, its type, the use of mediation, its sites."""

import streamlit as st

from divide import maps, sheet
from divide.errors import DivideError
from divide.formatting import counted
from divide.i18n import t
from divide.registry import indicator, indicators
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from frontend import applies, by_type, cache, components, sidebar, state, use

lg = sidebar.frame()
atlas = cache.atlas()
notes = components.Footnote()
level, code = state.territory()
row = atlas.territory(level, code)
name = str(row["name"])
st.title(t("profile_title", lg))
st.subheader(md(name if level == "france" else f"{name} — {t('level_' + level, lg)}"))

try:
    table, sites, sites_table, document = cache.profile(level, code, lg)
except DivideError as exc:
    components.fail(exc)
    st.stop()

st.download_button(
    t("download_sheet", lg),
    data=document.encode("utf-8"),
    file_name=file_name(f"divide_{level}_{row['code']}_{lg}", "html"),
    mime="text/html",
    key="profile_download",
    on_click="ignore",
    icon=":material/print:",
)

# ------------------------------------------------------------- indicators
st.markdown(f"**{t('all_indicators', lg)}**")
st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)
shown_notes = [t("modelled_note", lg)]
if level != "france":
    plural = t(f"levels_plural_{level}", lg)
    shown_notes.append(t("prof_percentile_note", lg, plural=plural))
st.caption(" ".join(shown_notes))
components.figure_notes(row, list(indicators()))

by_type.render("profile", level, code, lg)  # by type of territory
use.render("profile", level, code, lg, notes)  # use of mediation, supply, need

# ------------------------------------------------------- map and site list
if level == "france":
    st.subheader(t("sites_list", lg))
    st.caption(t("prof_no_map_france", lg))
    list_col = st.container()
else:
    map_col, list_col = st.columns([2, 3])
    with map_col:
        st.markdown(f"**{t('mini_map', lg)}**")
        shapes = cache.geometry(level)
        shape = shapes[shapes["code"] == row["code"]]
        if shape.empty:
            st.caption(t("no_data", lg))
        else:
            components.draw_map(
                lambda: sheet.mini_map(shape, sites, lg),
                ("profile", level, code, lg),
                key="profile_map",
                height=320,
                bounds=maps.bounds_of(tuple(shape.total_bounds)),
            )
with list_col:
    if level != "france":
        st.markdown(f"**{t('sites_list', lg)}**")
    st.caption(counted(len(sites), "mediation_site", lg))
    if sites_table is None:
        st.info(t("no_sites", lg))
    else:
        st.dataframe(
            sites_table,
            hide_index=True,
            width="stretch",
            height=320,
        )
notes.add(indicator("mediation_sites"))
notes.show()
applies.render(level, code, lg)  # what applies here
