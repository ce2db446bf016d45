import streamlit as st

from divide import compare, maps
from divide.build.readers.mediation import KINDS, MEDIATION_KINDS
from divide.classify import METHODS
from divide.errors import DivideError
from divide.formatting import format_count
from divide.i18n import t
from divide.safe_text import markdown as md
from pages import _national, _ranked, _shared

lg = _shared.frame()
atlas = _shared.session_atlas()
st.title(t("map_title", lg))

LEVELS = ("region", "departement", "epci", "commune", _national.LEVEL)
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

uploaded = _shared.user_indicators().get(ind.id)
drawn_level = "commune" if level == _national.LEVEL else level
if uploaded is not None and drawn_level not in uploaded.levels:
    # An upload has values at its own level and above only.
    level = next(lvl for lvl in reversed(LEVELS) if lvl in uploaded.levels)
    names = ", ".join(t(f"level_{lvl}", lg) for lvl in uploaded.levels)
    st.info(t("upload_level_shown", lg, levels=names))

if level == _national.LEVEL:
    _national.render(ind, method, int(k), lg, _shared.type_filters("map"))
    st.stop()

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
# The kinds are asked only once sites are shown (a greyed-out control would be
# unreadable text: it fails the contrast check).
kinds = list(MEDIATION_KINDS)
if show_sites:
    with options[2]:
        kinds = st.multiselect(
            t("site_kinds", lg),
            KINDS,
            default=list(MEDIATION_KINDS),
            key="map_site_kinds",
            format_func=lambda v: t(f"kind_{v}", lg),
            placeholder=t("choose_options", lg),
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
    if selected:  # framed on the selected row (clicked in the ranked table)
        shapes = _shared.geometry(level)
        box = shapes[shapes["code"] == selected].total_bounds
        bounds = maps.bounds_of(tuple(box))
    else:
        bounds = _shared.scope_bounds(scope, where)
else:
    bounds = maps.bounds_of(frame)

st.session_state["_map_drawn_level"] = level


def _on_map_click() -> None:
    # A callback runs before the script, while the sidebar's widgets can change.
    drawing = (st.session_state.get("map_folium") or {}).get("last_active_drawing")
    code = ((drawing or {}).get("properties") or {}).get("code")
    drawn = st.session_state.get("_map_drawn_level")
    if code and drawn and (drawn, code) != _shared.territory():
        _shared.choose(drawn, code)


sites = atlas.sites_in(scope, kinds) if show_sites else None
n_places = 8 if scope else 12


def build_map():
    fmap = maps.base_map(bounds, basemap=basemap)
    labels = _shared.choropleth_labels(ind)
    maps.add_choropleth(fmap, collection, labels, selected=selected)
    places = atlas.members("commune", scope)
    maps.add_place_labels(fmap, places, t("map_places", lg), n=n_places)
    if sites is not None:
        kind_labels = {k_: t(f"kind_{k_}", lg) for k_ in KINDS}
        maps.add_sites(fmap, sites, kind_labels, t("show_sites", lg), lg)
    return fmap


if sites is not None:
    st.caption(t("sites_shown", lg, n=format_count(len(sites), lg)))
what = ("map", _shared.fingerprint(collection), ind.id, lg, selected, str(bounds))
what += (basemap, show_sites and tuple(kinds), _shared.uploads_key(), n_places)

map_col, legend_col = st.columns([3, 2])
with map_col:
    _shared.draw_map(
        build_map,
        what,
        key="map_folium",
        height=620,
        bounds=bounds,
        returned_objects=("last_active_drawing",),
        on_change=_on_map_click,
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
