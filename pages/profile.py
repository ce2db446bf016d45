import streamlit as st

from divide import maps, sheet
from divide.errors import DivideError
from divide.formatting import counted
from divide.i18n import t
from divide.registry import indicator, indicators
from divide.safe_text import file_name
from divide.safe_text import markdown as md
from pages import _applies, _shared, _types, _use

lg = _shared.frame()
atlas = _shared.atlas()
level, code = _shared.territory()
row = atlas.territory(level, code)
name = str(row["name"])
st.title(t("profile_title", lg))
st.subheader(md(name if level == "france" else f"{name} — {t('level_' + level, lg)}"))

try:
    table = sheet.profile_table(atlas, level, code, lg)
    sites = sheet.territory_sites(atlas, level, code)
    document = sheet.territory_sheet(atlas, level, code, lg)
except DivideError as exc:
    _shared.fail(exc)
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
notes = [t("modelled_note", lg)]
if level != "france":
    notes.append(t("prof_percentile_note", lg, plural=t(f"levels_plural_{level}", lg)))
st.caption(" ".join(notes))
_shared.figure_notes(row, list(indicators()))

_types.render("profile", level, code, lg)  # by type of territory
_use.render("profile", level, code, lg)  # use of mediation next to supply and need

# ------------------------------------------------------- map and site list
count_text = counted(len(sites), "mediation_site", lg)
if level == "france":
    st.subheader(t("sites_list", lg))
    st.caption(t("prof_no_map_france", lg))
    map_col, list_col = None, st.container()
else:
    map_col, list_col = st.columns([2, 3])
    with map_col:
        st.markdown(f"**{t('mini_map', lg)}**")
        shapes = _shared.geometry(level)
        shape = shapes[shapes["code"] == row["code"]]
        if shape.empty:
            st.caption(t("no_data", lg))
        else:
            _shared.draw_map(
                lambda: sheet.mini_map(shape, sites, lg),
                ("profile", level, code, lg, _shared.uploads_key()),
                key="profile_map",
                height=320,
                bounds=maps.bounds_of(tuple(shape.total_bounds)),
            )
with list_col:
    if level != "france":
        st.markdown(f"**{t('sites_list', lg)}**")
    st.caption(count_text)
    if sites.empty:
        st.info(t("no_sites", lg))
    else:
        st.dataframe(
            sheet.sites_table(atlas, sites, lg),
            hide_index=True,
            width="stretch",
            height=320,
        )
st.caption(_shared.source_caption(indicator("mediation_sites")))
_applies.render(level, code, lg)  # what applies here
