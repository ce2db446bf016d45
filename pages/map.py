"""The map: one indicator over a level, a ranked table beside it; a click selects.

Two controls stand above the map (indicator, level), the others are folded
(map options, types of territory); on a phone the map comes first.
"""

import streamlit as st

from divide import compare, maps
from divide.build.readers.mediation import KINDS
from divide.classify import METHODS
from divide.errors import DivideError
from divide.formatting import format_count
from divide.i18n import t
from divide.indicators import value_column
from divide.safe_text import markdown as md
from frontend import (
    cache,
    components,
    map_options,
    national,
    ranked,
    session,
    sidebar,
    state,
)

LEVELS = ("region", "departement", "epci", "commune", national.LEVEL)
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
ss = st.session_state
current = state.territory()
view_level, view_scope = compare.view_of(atlas, *current)
if "map_level" in ss and ss.get("map_view_for") != current:
    # A new territory opens at its own scale: its communes (EPCIs for a région).
    ss["map_level"] = view_level
ss["map_view_for"] = current
state.seed(
    {
        "map_level": ("mlevel", view_level, LEVELS),
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
    drawn_level = "commune" if level == national.LEVEL else level
    if uploaded is not None and drawn_level not in uploaded.levels:
        # An upload has values at its own level and above only.
        level = next(lvl for lvl in reversed(LEVELS) if lvl in uploaded.levels)
        names = ", ".join(t(f"level_{lvl}", lg) for lvl in uploaded.levels)
        st.info(t("upload_level_shown", lg, levels=names))
    scope = None
    if level == "commune" and current[0] == "france":
        st.info(t("commune_scope", lg))
        level = "departement"
    elif level == "commune" and current[0] == "commune":
        scope = ("departement", atlas.territory(*current)["departement"])
    elif level == "commune":
        scope = current
    elif level == view_level and view_scope is not None:
        scope = view_scope
    chosen = map_options.options(
        lg, framed=scope is not None, national=level == national.LEVEL
    )
    method, k, frame = chosen.method, chosen.k, chosen.frame
    basemap, show_sites, kinds = chosen.basemap, chosen.show_sites, chosen.kinds
    state.keep(classes=method)
    where = components.type_filters("map")

view = st.container(key="map_view")
notes.add(ind)
if level == national.LEVEL:
    with view:
        national.render(ind, method, k, lg, where)
    notes.show()
    st.stop()
atlas = session.typed_atlas(where)
try:
    collection = session.collection(level, scope, ind.id, method, k, lg, where=where)
except DivideError as exc:
    components.fail(exc)
    st.stop()
if not collection[0]["features"]:
    st.info(t("type_filter_empty", lg))
    st.stop()

selected = current[1] if current[0] == level else None
if scope is not None and selected:  # framed on the row clicked in the table
    shapes = cache.geometry(level)
    bounds = maps.bounds_of(tuple(shapes[shapes["code"] == selected].total_bounds))
elif scope is not None:
    bounds = cache.scope_bounds(scope, tuple(where.items()))
else:
    bounds = maps.bounds_of(frame)
ss["_map_drawn_level"] = level


def _on_map_click() -> None:
    # A callback runs before the script, while the sidebar's widgets can change.
    drawing = (ss.get("map_folium") or {}).get("last_active_drawing")
    code = ((drawing or {}).get("properties") or {}).get("code")
    drawn = ss.get("_map_drawn_level")
    if code and drawn and (drawn, code) != state.territory():
        state.choose(drawn, code)


sites = atlas.sites_in(scope, kinds) if show_sites else None
n_places = 8 if scope else 12


def layers(fmap) -> None:
    places = atlas.members("commune", scope)
    maps.add_place_labels(fmap, places, t("map_places", lg), n=n_places)
    if sites is not None:
        kind_labels = {k_: t(f"kind_{k_}", lg) for k_ in KINDS}
        maps.add_sites(fmap, sites, kind_labels, t("show_sites", lg), lg)


points = None
if maps.is_count(ind):  # counts as circles: where the members' centres are
    members = atlas.members(level, scope)
    points = members[["code", "name", "lat", "lon"]].assign(
        value=members[value_column(ind.id)].to_numpy()
    )
with view:
    if sites is not None:
        st.caption(t("sites_shown", lg, n=format_count(len(sites), lg)))
    side = components.map_block(
        collection,
        ind,
        key="map_folium",
        bounds=bounds,
        selected=selected,
        height=620,
        layers=layers,
        what=(show_sites and tuple(kinds), session.uploads_key(), n_places),
        basemap=basemap,
        widths=(3, 2),
        returned_objects=("last_active_drawing",),
        on_change=_on_map_click,
        points=points,
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
