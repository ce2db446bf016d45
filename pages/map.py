"""The map: one indicator over a level, a ranked table beside it; a click selects.

Two controls stand above the map (indicator, level), the others are folded
(map options, types of territory); on a phone the map comes first.
"""

import streamlit as st

from divide.classify import METHODS
from divide.errors import DivideError
from divide.formatting import format_count
from divide.i18n import t
from divide.safe_text import markdown as md
from frontend import (
    components,
    map_options,
    map_view,
    national,
    ranked,
    session,
    sidebar,
    state,
)

LEVELS = map_view.LEVELS
# On a phone the map comes first: our keyed containers' wrappers are reordered
# (the controls, folded, below it; the sources last). No internal test id.
PHONE_CSS = """<style>@media (max-width: 640px) {
div:has(> .st-key-map_controls) {order: 1;}
div:has(> .st-key-page_sources) {order: 2;}
}</style>"""

lg = sidebar.frame()
atlas = session.session_atlas()
notes = components.Footnote()
st.title(t("map_title", lg))
st.markdown(PHONE_CSS, unsafe_allow_html=True)
current = state.territory()
opened = map_view.open_level(atlas, current)
state.seed(
    {
        "map_level": ("mlevel", opened[0], LEVELS),
        "map_method": ("classes", "quantiles", METHODS),
    }
)

with st.container(key="map_controls"):
    top = st.columns([3, 2])
    with top[0]:
        ind = components.indicator_picker()
    level = top[1].selectbox(
        t("level", lg),
        LEVELS,
        key="map_level",
        format_func=lambda v: t(f"level_{v}", lg),
    )
    state.keep(mlevel=level)
    uploaded = session.user_indicators().get(ind.id)
    level, scope = map_view.shown(atlas, current, level, opened, uploaded, lg)
    chosen = map_options.options(
        lg, framed=scope is not None, national=level == national.LEVEL
    )
    state.keep(classes=chosen.method)
    where = components.type_filters("map")

view = st.container(key="map_view")
notes.add(ind)
if level == national.LEVEL:
    with view:
        national.render(ind, chosen.method, chosen.k, lg, where)
    notes.show()
    st.stop()
atlas = session.typed_atlas(where)
sites = atlas.sites_in(scope, chosen.kinds) if chosen.show_sites else None
canvas, by_need = map_view.canvas_level(atlas, level, scope, ind, chosen.basemap, sites)
try:
    collection = session.collection(
        level,
        scope,
        ind.id,
        chosen.method,
        chosen.k,
        lg,
        where=where,
        outlines=canvas is None,  # the canvas map has them in its shapes file
    )
except DivideError as exc:
    components.fail(exc)
    st.stop()
if not collection[0]["features"]:
    st.info(t("type_filter_empty", lg))
    st.stop()

selected = current[1] if current[0] == level else None
bounds = map_view.bounds(level, scope, selected, where, chosen.frame)
map_view.remember_drawn(level)
n_places = 8 if scope else 12
with view:
    if by_need:
        st.caption(t("canvas_fallback", lg))
    if sites is not None:
        st.caption(t("sites_shown", lg, n=format_count(len(sites), lg)))
    side = components.map_block(
        collection,
        ind,
        key=map_view.KEY,
        bounds=bounds,
        selected=selected,
        height=620,
        layers=map_view.layers(scope, where, sites, n_places, lg),
        what=(
            chosen.show_sites and tuple(chosen.kinds),
            session.uploads_key(),
            n_places,
        ),
        basemap=chosen.basemap,
        widths=(3, 2),
        returned_objects=("last_active_drawing",),
        on_change=map_view.on_click,
        points=map_view.count_points(atlas, ind, level, scope),
        canvas=canvas,
    )
    with side:
        st.caption(t("click_hint", lg))
        if level != "commune" or scope is not None:
            name = atlas.territory(*(scope or ("france", "FR")))["name"]
            st.markdown(f"**{md(t('rank_title', lg, name=name))}**")
            ranked.ranked_table(
                atlas, level, scope, ind, lg, key="map_rank", height=420
            )
    components.withheld_on_map(level, ind, atlas)
notes.show()
