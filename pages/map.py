import streamlit as st
from streamlit_folium import st_folium

from divide import compare, maps
from divide.classify import METHODS
from divide.errors import DivideError
from divide.i18n import t
from divide.readers.mediation import KINDS, MEDIATION_KINDS
from divide.safe_text import markdown as md
from pages import _ranked, _shared

lg = _shared.frame()
atlas = _shared.session_atlas()
st.title(t("map_title", lg))

LEVELS = ("region", "departement", "epci", "commune")
FRAMES = tuple(maps.FRAMES)

current_level, current_code = _shared.territory()
view_level, view_scope = compare.view_of(atlas, current_level, current_code)
if "map_level" not in st.session_state:
    st.session_state["map_level"] = _shared.url_param("mlevel", view_level, LEVELS)
    st.session_state["map_method"] = _shared.url_param("classes", "quantiles", METHODS)
    st.session_state["map_view_for"] = (current_level, current_code)
elif st.session_state.get("map_view_for") != (current_level, current_code):
    # A new territory opens at its own scale: its communes (EPCIs for a région).
    st.session_state["map_level"] = view_level
    st.session_state["map_view_for"] = (current_level, current_code)

controls = st.columns([3, 2, 2, 1])
with controls[0]:
    ind = _shared.indicator_picker()
with controls[1]:
    level = st.selectbox(
        t("level", lg),
        LEVELS,
        key="map_level",
        format_func=lambda v: t(f"level_{v}", lg),
    )
with controls[2]:
    method = st.selectbox(
        t("classes", lg), METHODS, key="map_method", format_func=lambda v: t(v, lg)
    )
with controls[3]:
    k = st.number_input(t("n_classes", lg), 3, 7, 5, key="map_k")
_shared.set_url_param("mlevel", level)
_shared.set_url_param("classes", method)

scope = None
if level == "commune":
    if current_level == "france":
        st.info(t("commune_scope", lg))
        level = "departement"
    elif current_level == "commune":
        scope = ("departement", atlas.territory("commune", current_code)["departement"])
    else:
        scope = (current_level, current_code)
elif level == view_level and view_scope is not None:
    scope = view_scope

options = st.columns([2, 2, 3])
frame = "mainland"
with options[0]:
    if scope is None:
        frame = st.selectbox(
            t("frame", lg),
            FRAMES,
            key="map_frame",
            format_func=lambda f: t(f"frame_{f}", lg),
        )
with options[1]:
    basemap = st.checkbox(t("basemap", lg), key="map_basemap")
    show_sites = st.checkbox(t("show_sites", lg), key="map_sites")
with options[2]:
    kinds = st.multiselect(
        t("site_kinds", lg),
        KINDS,
        default=list(MEDIATION_KINDS),
        key="map_site_kinds",
        format_func=lambda v: t(f"kind_{v}", lg),
        disabled=not show_sites,
    )

where = _shared.type_filters("map")
atlas = _shared.typed_atlas(where)
try:
    collection, edges, colours = _shared.collection(
        level, scope, ind.id, method, int(k), lg, where=where
    )
except DivideError as exc:
    _shared.fail(exc)
    st.stop()
if not collection["features"]:
    st.info(t("type_filter_empty", lg))
    st.stop()

selected = current_code if current_level == level else None
if scope is not None:
    shapes = _shared.geometry(level)
    # Framed on the selected row (clicked in the ranked table), else the view.
    framed = [selected] if selected else atlas.members(level, scope)["code"]
    x0, y0, x1, y1 = shapes[shapes["code"].isin(framed)].total_bounds
    bounds = maps.bounds_of((x0, y0, x1, y1))
else:
    bounds = maps.bounds_of(frame)

fmap = maps.base_map(bounds, basemap=basemap)
maps.add_choropleth(fmap, collection, _shared.choropleth_labels(ind), selected=selected)
places = atlas.members("commune", scope)
maps.add_place_labels(fmap, places, t("map_places", lg), n=8 if scope else 12)
if show_sites:
    sites = atlas.sites_in(scope, kinds)
    maps.add_sites(
        fmap, sites, {k_: t(f"kind_{k_}", lg) for k_ in KINDS}, t("show_sites", lg)
    )
    st.caption(t("sites_shown", lg, n=f"{len(sites):,}"))

map_col, legend_col = st.columns([3, 2])
with map_col:
    clicked = st_folium(
        fmap,
        height=620,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        key="map_folium",
    )
with legend_col:
    st.markdown(
        maps.legend_html(
            edges, colours, ind, lg, title=_shared.label(ind), no_data=t("no_data", lg)
        ),
        unsafe_allow_html=True,
    )
    st.caption(t("click_hint", lg))
    if level != "commune" or scope is not None:
        name = atlas.territory(*(scope or ("france", "FR")))["name"]
        st.markdown(f"**{md(t('rank_title', lg, name=name))}**")
        _ranked.ranked_table(atlas, level, scope, ind, lg, key="map_rank", height=420)
st.caption(_shared.source_caption(ind))
_shared.withheld_on_map(level, ind, atlas)

drawing = (clicked or {}).get("last_active_drawing") or {}
code = (drawing.get("properties") or {}).get("code")
if code and code != st.session_state.get("map_last_click"):
    st.session_state["map_last_click"] = code
    if (level, code) != (current_level, current_code):
        _shared.choose(level, code)
        st.rerun()
