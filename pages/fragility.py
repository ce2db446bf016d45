"""Fragility: a composite index of chosen indicators, its map, movers and benchmark."""

import streamlit as st

from divide import fragility, maps
from divide.errors import DivideError
from divide.i18n import t
from divide.registry import indicator
from frontend import cache, components, session, sidebar, state
from frontend import fragility as sections

DEFAULTS = tuple(fragility.DEFAULT_COMPONENTS.items())


def index(level: str, weights: tuple, norm: str, ref: str):
    """The index over the session's atlas within the filters by type (cached)."""
    source = session.typed_atlas(dict(WHERE))
    return cache.fragility_index(UPLOADS, source, level, weights, norm, ref, WHERE)


def scoped(level, weights, norm, ref, scope):
    codes = None if scope is None else atlas.members("commune", scope).index
    return fragility.within(index(level, weights, norm, ref), codes)


lg = sidebar.frame()
atlas = cache.atlas()
notes = components.Footnote()
UPLOADS = session.uploads_key()
UPLOADED = session.session_atlas().uploaded  # uploads can be components
CANDIDATES = fragility.candidates(UPLOADED)
t_level, t_code = state.territory()
labels = components.labels_of(CANDIDATES)
region = fragility.region_of(atlas, t_level, t_code)
region_name = atlas.territory("region", region)["name"] if region else None

st.title(t("frag_title", lg))
st.caption(t("frag_intro", lg))
chosen = sections.controls(CANDIDATES, labels, t_level, region, region_name, lg)
comps, norm, level, ref_choice = chosen
if not comps:
    st.info(t("frag_no_components", lg))
    st.stop()
weights = sections.weights(comps, labels, lg)

WHERE = tuple(components.type_filters("frag").items())
if level == "commune" and t_level == "france":
    st.info(t("commune_scope", lg))
level, scope = fragility.display_scope(atlas, level, t_level, t_code)
ref = fragility.reference_for(level, ref_choice, region, atlas)
if ref_choice == "region" and ref == "france":
    st.caption(t("frag_ref_france_forced", lg))
own = None
try:
    shown = scoped(level, weights, norm, ref, scope)
    if t_level != "france":
        own_ref = fragility.reference_for(t_level, ref_choice, region, atlas)
        own = index(t_level, weights, norm, own_ref)
    base = scoped(level, DEFAULTS, norm, ref, scope)
    key = (weights, norm, ref, WHERE)
    full = index(level, weights, norm, ref)
    view = cache.fragility_layer(UPLOADS, full, level, scope, key, lg)
except DivideError as exc:
    components.fail(exc)
    st.stop()
if shown.empty:
    st.info(t("type_filter_empty", lg))
    st.stop()
components.note_upload_gaps(comps, level)

sections.territory_card(atlas, own, t_level, t_code, labels, UPLOADED, lg)

# ---------------------------------------------------------------- the map
st.subheader(t("frag_map", lg))
bounds = maps.bounds_of("mainland")
if scope is not None:
    bounds = maps.bounds_around(cache.geometry("commune"), shown.index)
side = components.map_block(
    view,
    fragility.SCORE,
    key="frag_map",
    bounds=bounds,
    selected=t_code if t_level == level else None,
    height=520,
    title=t("frag_score", lg),
    widths=(4, 1),
)
side.caption(t("frag_map_note", lg))

# ------------------------------------------------- movers and the table
moved = not fragility.same_weights(dict(weights), dict(DEFAULTS), UPLOADED)
sections.index_tables(base if moved else None, shown, level, norm, ref, lg)

# ------------------------------------------------ benchmark and sources
sections.benchmarks(
    atlas, full, level, lambda: cache.fragility_ifn(UPLOADS, full, level, key), lg
)
sections.sources(comps, labels, lg)
notes.add(indicator("ifn_mednum"), indicator("ifn2023_total"), named=True)
notes.show()
